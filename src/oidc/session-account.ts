// Who is signed in on this browser: the provider's session cookie, read through its public
// Session API, and the account behind it if it is still an active member.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { MemberAccounts } from '../accounts/member-accounts.ts';
import type { AccountRecord } from '../store/ports.ts';

export type SessionAccount = (ctx: Context) => Promise<AccountRecord | null>;

export function createSessionAccount(provider: Provider, members: MemberAccounts): SessionAccount {
  return async function sessionAccount(ctx) {
    // Session.get wants oidc-provider's own context; it reads only the request's cookies from it.
    const session = await provider.Session.get(ctx as never);
    return session.accountId ? members.activeMember(session.accountId) : null;
  };
}
