// The signed-in account on this browser and when and how it signed in (the provider's session,
// through its public Session API): what the member pages need to ask for a recent sign-in.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { MemberAccounts } from '../accounts/member-accounts.ts';
import type { AccountRecord } from '../store/ports.ts';

export interface SessionSignIn {
  account: AccountRecord;
  /** When the person last proved who they are (the session's login time). */
  signedInAt: Date | null;
  amr: string[];
  acr: string | null;
}

export type SessionSignInLookup = (ctx: Context) => Promise<SessionSignIn | null>;

export function createSessionSignIn(provider: Provider, members: MemberAccounts): SessionSignInLookup {
  return async function sessionSignIn(ctx) {
    // Session.get wants oidc-provider's own context; it reads only the request's cookies from it.
    const session = await provider.Session.get(ctx as never);
    const account = session.accountId ? await members.activeMember(session.accountId) : null;
    if (!account) return null;
    const loginTs = session.authTime();
    return { account, signedInAt: typeof loginTs === 'number' ? new Date(loginTs * 1000) : null, amr: (session.amr as string[] | undefined) ?? [], acr: (session.acr as string | undefined) ?? null };
  };
}
