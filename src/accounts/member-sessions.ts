// A member ending their own sessions and apps' access from the /account page, audited. The sessions
// themselves are oidc-provider's (oidc/account-sessions.ts), handed in as a port.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { notFound } from '../errors.ts';

/** What the member's page can do with sessions and grants (implemented over the provider's records). */
export interface SessionControl {
  list(accountId: string, currentSessionId: string | null): Promise<{ sessions: Array<{ id: string; signedInAt: Date | null; current: boolean; apps: string[] }>; apps: Array<{ clientId: string; name: string; scopes: string[]; grantedAt: Date | null }> }>;
  endSession(accountId: string, sessionId: string): Promise<boolean>;
  revokeApp(accountId: string, clientId: string): Promise<boolean>;
  endAll(accountId: string, options?: { keepSessionId?: string | null }): Promise<void>;
}

export function createMemberSessions({ sessions, audit }: { sessions: SessionControl; audit: AuditRecorder }) {
  return {
    list: (accountId: string, currentSessionId: string | null) => sessions.list(accountId, currentSessionId),

    /** Signs one of the member's other sessions out (with the apps signed in through it). */
    async endSession(accountId: string, sessionId: string, meta: RequestMeta): Promise<void> {
      if (!(await sessions.endSession(accountId, sessionId))) throw notFound();
      await audit.record({ type: 'session.ended', actor: accountId, accountId, data: { scope: 'one' } }, meta);
    },

    /** Everything but this browser: other sessions, and every grant not signed in through this one. */
    async endOthers(accountId: string, currentSessionId: string, meta: RequestMeta): Promise<void> {
      await sessions.endAll(accountId, { keepSessionId: currentSessionId });
      await audit.record({ type: 'session.ended', actor: accountId, accountId, data: { scope: 'others' } }, meta);
    },

    async revokeApp(accountId: string, clientId: string, meta: RequestMeta): Promise<void> {
      if (!(await sessions.revokeApp(accountId, clientId))) throw notFound();
      await audit.record({ type: 'grant.revoked', actor: accountId, accountId, data: { client_id: clientId } }, meta);
    },
  };
}

export type MemberSessions = ReturnType<typeof createMemberSessions>;
