// Bearer tokens for the JSON admin and account APIs: only access tokens this provider issued,
// still valid, carrying the needed scope. An ID token, an expired or a revoked token is a 401.
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../errors.ts';
import type { AccountStore } from '../store/ports.ts';

export type Principal = { kind: 'admin'; id: string } | { kind: 'member'; id: string };

/** Who the guard let in; only routes behind a guard ask, so a missing principal is a wiring bug. */
export function principalOf(ctx: Context): Principal {
  const principal = ctx.state.principal as Principal | undefined;
  if (!principal) throw new Error('principalOf: no guard ran before this route');
  return principal;
}

const unauthorized = () =>
  new AppError('invalid_token', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
const insufficientScope = (scope: string) =>
  new AppError('insufficient_scope', { headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` } });

function bearerToken(ctx: Context): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('Authorization'));
  return match ? match[1]! : null;
}

/** Finds the token among client-credentials and user access tokens; undefined when neither. */
async function findToken(provider: Provider, token: string) {
  // Opaque tokens are looked up in the store, so revocation takes effect at once.
  const [clientToken, userToken] = await Promise.all([provider.ClientCredentials.find(token), provider.AccessToken.find(token)]);
  const found = clientToken ?? userToken;
  if (!found || found.isExpired) return undefined;
  return found;
}

export interface GuardRule {
  scope: 'admin' | 'invites';
  /** When set, only tokens issued to this client pass (the admin API: the admin client alone). */
  clientId?: string;
}

export function requireScope(provider: Provider, accounts: AccountStore, { scope, clientId }: GuardRule) {
  return async function guard(ctx: Context, next: Next): Promise<void> {
    const token = bearerToken(ctx);
    if (!token) throw unauthorized();
    const found = await findToken(provider, token);
    if (!found) throw unauthorized();
    const scopes = new Set(String(found.scope ?? '').split(' '));
    if (!scopes.has(scope)) throw insufficientScope(scope);
    // A token is judged by who it was issued to, not only by what it says it may do: a scope
    // granted to another client by mistake still opens nothing here.
    if (clientId !== undefined && found.clientId !== clientId) throw insufficientScope(scope);
    if (scope === 'admin') {
      // Only the admin client's client_credentials grant gets here, never a person's token.
      if (found.kind !== 'ClientCredentials') throw insufficientScope(scope);
      ctx.state.principal = { kind: 'admin', id: String(found.clientId) } satisfies Principal;
    } else {
      const accountId = (found as { accountId?: string }).accountId;
      const account = accountId ? await accounts.findById(accountId) : null;
      if (!account || account.disabled) throw unauthorized();
      ctx.state.principal = { kind: 'member', id: account.id } satisfies Principal;
    }
    await next();
  };
}
