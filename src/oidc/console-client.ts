// The admin console's own OIDC client: authorization code + PKCE, first party (no consent), and
// the code redeemed in process. The console is served by this same process, so its code exchange
// does the token endpoint's checks on the provider's own models instead of a round trip over HTTP.
import { createHash, timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import type { Config } from '../config.ts';

export const CONSOLE_CLIENT_ID = 'guestlist-console';

export const consoleCallbackUrl = (issuer: string) => `${issuer}/console/callback`;
export const consoleHomeUrl = (issuer: string) => `${issuer}/console`;

export function consoleClient(config: Config): ClientMetadata {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: `${config.product_name} console`,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [consoleCallbackUrl(config.issuer)],
    post_logout_redirect_uris: [consoleHomeUrl(config.issuer)],
    scope: 'openid email',
    first_party: true,
  };
}

/** The console's authorization request: code, the S256 challenge of `verifier`, state. */
export function consoleAuthorizationUrl(issuer: string, params: { state: string; verifier: string; loginHint?: string }): string {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'code',
    scope: 'openid email',
    redirect_uri: consoleCallbackUrl(issuer),
    code_challenge: createHash('sha256').update(params.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: params.state,
    ...(params.loginHint ? { login_hint: params.loginHint } : {}),
  }).toString();
  return url.toString();
}

/** Where the console's sign-out goes: the provider's end-session page, then back to the console. */
export function consoleSignOutUrl(issuer: string): string {
  const url = new URL(`${issuer}/session/end`);
  url.search = new URLSearchParams({ client_id: CONSOLE_CLIENT_ID, post_logout_redirect_uri: consoleHomeUrl(issuer) }).toString();
  return url.toString();
}

/**
 * Redeems a console authorization code as the token endpoint would: the code exists, is the
 * console's, unexpired, sent back to the registered redirect URI, its grant is alive and the
 * verifier matches the S256 challenge; a code used twice revokes its grant. The account id, or null.
 */
export function createConsoleCodeRedeemer(provider: Provider, issuer: string) {
  return async function redeem(value: string, verifier: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{10,200}$/.test(value) || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return null;
    const code = await provider.AuthorizationCode.find(value, { ignoreExpiration: true });
    if (!code || code.clientId !== CONSOLE_CLIENT_ID || code.isExpired || code.redirectUri !== consoleCallbackUrl(issuer)) return null;
    const grant = code.grantId ? await provider.Grant.find(code.grantId, { ignoreExpiration: true }) : undefined;
    if (!grant || grant.isExpired || grant.clientId !== CONSOLE_CLIENT_ID || grant.accountId !== code.accountId) return null;
    const expected = Buffer.from(String(code.codeChallenge ?? ''));
    const given = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
    if (code.codeChallengeMethod !== 'S256' || expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    // `consumed` is set by the adapter on a used code; the typings leave it out.
    if ((code as unknown as { consumed?: unknown }).consumed) {
      // A replayed code: the grant it came from is no longer trusted.
      await grant.destroy();
      return null;
    }
    await code.consume();
    return code.accountId ?? null;
  };
}

export type ConsoleCodeRedeemer = ReturnType<typeof createConsoleCodeRedeemer>;
