// Who is in the admin console: a sign-in (after Guestlist's own OIDC flow) opens a console session
// only for an active account with a console role; every request re-reads the account, so a
// disabled account or a lost role closes the console at once.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import type { AccountRecord, Store } from '../store/ports.ts';
import type { ConsoleSession, ConsoleSessions } from '../security/console-sessions.ts';
import { consoleRoleOf, type ConsoleRole } from '../security/console-roles.ts';

export interface ConsoleUser {
  session: ConsoleSession;
  account: AccountRecord;
  role: ConsoleRole;
}

export function createConsoleAccess({ store, sessions, audit }: { store: Store; sessions: ConsoleSessions; audit: AuditRecorder }) {
  async function consoleAccount(accountId: string): Promise<{ account: AccountRecord; role: ConsoleRole } | null> {
    const account = await store.accounts.findById(accountId);
    const role = account && !account.disabled ? consoleRoleOf(account.roles) : null;
    return account && role ? { account, role } : null;
  }

  return {
    /** Opens a console session; 403 console_forbidden for anyone without a console role. */
    async signIn(accountId: string, meta: RequestMeta): Promise<{ cookie: string; user: ConsoleUser }> {
      const found = await consoleAccount(accountId);
      if (!found) throw new AppError('console_forbidden');
      const { cookie, session } = await sessions.start(found.account.id);
      await audit.record({ type: 'console.signed_in', actor: found.account.id, accountId: found.account.id, data: { role: found.role } }, { ...meta, via: 'console' });
      return { cookie, user: { session, ...found } };
    },

    /** The console user behind a cookie, or null (no session, idle, ended, or no longer allowed). */
    async resume(cookie: string | undefined): Promise<ConsoleUser | null> {
      const session = await sessions.resume(cookie);
      if (!session) return null;
      const found = await consoleAccount(session.accountId);
      if (!found) {
        await sessions.end(session.id);
        return null;
      }
      return { session, ...found };
    },

    signOut(session: ConsoleSession): Promise<void> {
      return sessions.end(session.id);
    },

    csrfMatches: sessions.csrfMatches,
  };
}

export type ConsoleAccess = ReturnType<typeof createConsoleAccess>;
