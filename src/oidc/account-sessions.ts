// A member's sessions and the apps holding grants of their account: who is signed in on this browser
// (and since when), the list for the /account page, and ending one session, one app's access, or
// everything but this browser. Sessions and grants are oidc-provider's records in the store.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { OidcPayloadStore } from '../store/ports.ts';
import { ACCOUNT_CLIENT_ID } from './clients.ts';
import type { SingleLogout } from './single-logout.ts';

/** What a grant's tokens are stored as: revoking a grant removes each of these, then the grant. */
const GRANT_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'] as const;
/** More sessions or grants than a person has devices and apps: the page shows (and ends) at most these. */
const MOST = 200;

export interface CurrentSession {
  sessionId: string;
  accountId: string;
  /** When this browser last proved the password (the session's loginTs); null when unknown. */
  authenticatedAt: Date | null;
}

export interface SessionView {
  id: string;
  signedInAt: Date | null;
  current: boolean;
  /** The apps signed in through this session, by name. */
  apps: string[];
}

export interface AppView {
  clientId: string;
  name: string;
  scopes: string[];
  grantedAt: Date | null;
}

interface SessionPayload {
  loginTs?: number;
  authorizations?: Record<string, { grantId?: string; sid?: string }>;
}

interface GrantPayload {
  clientId?: string;
  openid?: { scope?: string };
  iat?: number;
}

const fromSeconds = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000) : null);

export function createAccountSessions(provider: Provider, payloads: OidcPayloadStore, singleLogout?: Pick<SingleLogout, 'signOut'>) {
  const clientName = async (clientId: string) => {
    const client = await provider.Client.find(clientId).catch(() => undefined);
    return client?.clientName ?? clientId;
  };

  async function revokeGrant(grantId: string): Promise<void> {
    for (const model of GRANT_MODELS) await payloads.revokeByGrantId(model, grantId);
    await payloads.destroy('Grant', grantId);
  }

  /** Tells the apps of these sessions that asked for back-channel logout (before their records go). */
  async function tellApps(accountId: string, sessions: SessionPayload[]): Promise<void> {
    const signedIn = sessions.flatMap((session) => Object.entries(session.authorizations ?? {}).flatMap(([clientId, { sid }]) => (sid ? [{ clientId, sid }] : [])));
    if (signedIn.length) await singleLogout?.signOut(accountId, signedIn);
  }

  /** Ends a session and the grants signed in through it (as oidc-provider's own sign-out does). */
  async function endOne(accountId: string, id: string, payload: SessionPayload): Promise<void> {
    await tellApps(accountId, [payload]);
    await payloads.destroy('Session', id);
    for (const { grantId } of Object.values(payload.authorizations ?? {})) if (grantId) await revokeGrant(grantId);
  }

  return {
    async current(ctx: Context): Promise<CurrentSession | null> {
      // Session.get wants oidc-provider's own context; it reads only the request's cookies from it.
      const session = await provider.Session.get(ctx as never);
      if (!session.accountId) return null;
      return { sessionId: session.jti, accountId: session.accountId, authenticatedAt: fromSeconds(session.loginTs) };
    },

    async list(accountId: string, currentSessionId: string | null): Promise<{ sessions: SessionView[]; apps: AppView[] }> {
      const sessions = await payloads.findByAccountId('Session', accountId, MOST);
      const grants = await payloads.findByAccountId('Grant', accountId, MOST);
      const sessionViews = await Promise.all(
        sessions.map(async ({ id, payload }) => {
          const session = payload as SessionPayload;
          const clientIds = Object.keys(session.authorizations ?? {}).filter((clientId) => clientId !== ACCOUNT_CLIENT_ID);
          return { id, signedInAt: fromSeconds(session.loginTs), current: id === currentSessionId, apps: await Promise.all(clientIds.map(clientName)) };
        }),
      );
      const apps = new Map<string, AppView>();
      for (const { payload } of grants) {
        const grant = payload as GrantPayload;
        if (!grant.clientId || grant.clientId === ACCOUNT_CLIENT_ID) continue;
        const existing = apps.get(grant.clientId);
        const scopes = new Set([...(existing?.scopes ?? []), ...(grant.openid?.scope?.split(' ').filter(Boolean) ?? [])]);
        apps.set(grant.clientId, { clientId: grant.clientId, name: existing?.name ?? (await clientName(grant.clientId)), scopes: [...scopes], grantedAt: existing?.grantedAt ?? fromSeconds(grant.iat) });
      }
      // This browser first, then the newest sign-ins.
      sessionViews.sort((a, b) => Number(b.current) - Number(a.current) || (b.signedInAt?.getTime() ?? 0) - (a.signedInAt?.getTime() ?? 0));
      return { sessions: sessionViews, apps: [...apps.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    },

    /** Ends one of the account's sessions; false when it is not theirs (or already gone). */
    async endSession(accountId: string, sessionId: string): Promise<boolean> {
      const found = (await payloads.findByAccountId('Session', accountId, MOST)).find((session) => session.id === sessionId);
      if (!found) return false;
      await endOne(accountId, found.id, found.payload as SessionPayload);
      return true;
    },

    /** Takes an app's access away: every grant of the account to that client, with its tokens. */
    async revokeApp(accountId: string, clientId: string): Promise<boolean> {
      const grants = (await payloads.findByAccountId('Grant', accountId, MOST)).filter(({ payload }) => (payload as GrantPayload).clientId === clientId && clientId !== ACCOUNT_CLIENT_ID);
      for (const { id } of grants) await revokeGrant(id);
      return grants.length > 0;
    },

    /**
     * Everything the account has open ends: every session, grant and token; with `keepSessionId`,
     * all but that browser's session and the grants signed in through it.
     */
    async endAll(accountId: string, options: { keepSessionId?: string | null } = {}): Promise<void> {
      if (!options.keepSessionId) {
        await payloads.destroyByAccountId(accountId);
        return;
      }
      const sessions = await payloads.findByAccountId('Session', accountId, MOST);
      const kept = sessions.find((session) => session.id === options.keepSessionId);
      const keptGrants = new Set(Object.values((kept?.payload as SessionPayload | undefined)?.authorizations ?? {}).map((auth) => auth.grantId));
      const ending = sessions.filter((session) => session !== kept);
      await tellApps(accountId, ending.map((session) => session.payload as SessionPayload));
      for (const session of ending) await payloads.destroy('Session', session.id);
      for (const { id } of await payloads.findByAccountId('Grant', accountId, MOST)) if (!keptGrants.has(id)) await revokeGrant(id);
    },
  };
}

export type AccountSessions = ReturnType<typeof createAccountSessions>;
