// Puts a new password in place, the same way for a reset and for a change: the policy, argon2id,
// then every session, grant and token the old one opened ends, open recovery codes and links die,
// the person is told by email, and the event is audited.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { AccountRecord, Store } from '../store/ports.ts';
import { notFound } from '../errors.ts';
import { hashPassword } from './passwords.ts';
import { assertStrongPassword, type PasswordPolicy } from './password-policy.ts';

/** Ends an account's sessions, grants and tokens; `keepSessionId`: all but the browser's own session. */
export type EndSessions = (accountId: string, options?: { keepSessionId?: string | null }) => Promise<void>;

export interface NewPasswordDeps {
  store: Store;
  passwords: PasswordPolicy;
  productName: string;
  issuer: string;
  mail: MailQueue;
  audit: AuditRecorder;
  clock: () => Date;
  endSessions: EndSessions;
}

export interface PasswordSetting {
  /** 'reset': forgotten (recovery, an admin's link); 'change': the member chose to, signed in. */
  kind: 'reset' | 'change';
  actor: string;
  /**
   * What ends with the old password: every session, grant and token ('all', a reset); all but this
   * browser's ('others': a change with "sign out other devices"); or nothing ('none').
   */
  sessions: { end: 'all' } | { end: 'others'; keepSessionId: string } | { end: 'none' };
  /** A reset proved the address (a code or link sent there): the email counts as verified. */
  verifiesEmail: boolean;
  /** Extra, non-secret facts for the audit event (how the reset came: code or admin link). */
  data?: Record<string, unknown>;
}

export function createNewPassword({ store, passwords, productName, issuer, mail, audit, clock, endSessions }: NewPasswordDeps) {
  return {
    /** Throws 400 weak_password (with the reason) when the policy refuses it; cheap, so it runs before anything is spent. */
    assertAllowed(account: Pick<AccountRecord, 'email'>, password: string): void {
      assertStrongPassword(passwords, productName, password, { email: account.email });
    },

    /** Hashes and stores the password, then ends what the old one opened. The caller checked assertAllowed. */
    async apply(account: AccountRecord, password: string, setting: PasswordSetting, meta: RequestMeta): Promise<AccountRecord> {
      const passwordHash = await hashPassword(password);
      const updated = await store.accounts.update(account.id, { passwordHash, ...(setting.verifiesEmail ? { emailVerified: true } : {}) });
      if (!updated) throw notFound();
      const now = clock();
      // The password goes first: a crash after it leaves old sessions that a retry or the person ends,
      // never a new password that failed to end them silently while claiming it did.
      await store.accountCodes.supersedeAccount(account.id, 'recovery', now);
      if (setting.sessions.end !== 'none') await endSessions(account.id, { keepSessionId: setting.sessions.end === 'others' ? setting.sessions.keepSessionId : null });
      await mail.enqueue({ template: 'password-changed', to: updated.email, at: now, recoveryUrl: `${issuer}/recovery` }, { purpose: 'password_changed' });
      await audit.record(
        { type: setting.kind === 'reset' ? 'password.reset_completed' : 'password.changed', actor: setting.actor, accountId: account.id, data: { sessions_ended: setting.sessions.end, ...setting.data } },
        meta,
      );
      return updated;
    },
  };
}

export type NewPassword = ReturnType<typeof createNewPassword>;
