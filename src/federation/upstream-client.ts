// The client side of an upstream identity provider, through openid-client: discovery, the
// authorization URL with PKCE, state and nonce, and the callback checked (state, the `iss`
// response parameter of RFC 9207 when the upstream advertises it, the ID token's signature,
// audience and nonce); GitHub as plain OAuth 2.0 with its REST API. Returns the upstream identity.
import * as oidc from 'openid-client';
import { AppError } from '../errors.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import { GITHUB, type UpstreamProvider } from '../upstream-provider-config.ts';
import { verifiedPrimaryEmail } from './github-email.ts';

/** What Guestlist keeps of an upstream sign-in: who (issuer, subject) and an email only if vouched for. */
export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  /** Normalised; null when the upstream gave none. */
  email: string | null;
  /** True only when the upstream said so for this very email. */
  emailVerified: boolean;
  /** False when allowed_domains, Google's `hd` or the Entra tenant pin refuse the account. */
  domainAllowed: boolean;
}

/** The secrets of one authorization request, kept (sealed) by the browser until the callback. */
export interface PendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface UpstreamClientsDeps {
  /** The redirect URI registered at the upstream: `{issuer}/federation/{id}/callback`. */
  redirectUri: (providerId: string) => string;
  onError?: (error: unknown, providerId: string) => void;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** Discovery and protocol failures become the caller's 400 or a 503 (the upstream is away), never a 500. */
function upstreamError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // fetch() itself failed (refused, reset, DNS): the upstream is unreachable, not wrong. Duck-typed:
  // fetch's TypeError may come from another realm than ours (a vm-sandboxed caller), where instanceof misses.
  // openid-client wraps it (ClientError "something went wrong", caused by it): the causes are walked.
  let failed = error as { name?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; failed && depth < 5; depth++, failed = failed.cause as typeof failed) {
    if (failed.name === 'TypeError' && failed.cause) return new AppError('upstream_unavailable', { headers: { 'Retry-After': '60' } });
  }
  return new AppError('upstream_failed');
}

export function createUpstreamClients(providers: readonly UpstreamProvider[], deps: UpstreamClientsDeps) {
  const configurations = new Map<string, Promise<oidc.Configuration>>();

  function configurationOf(provider: UpstreamProvider): Promise<oidc.Configuration> {
    let found = configurations.get(provider.id);
    if (!found) {
      // Plain http only for an http issuer, which production refuses (config.ts): loopback tests and labs.
      const execute = provider.issuer.startsWith('http://') ? [oidc.allowInsecureRequests] : [];
      found =
        provider.protocol === 'github'
          ? Promise.resolve(new oidc.Configuration({ issuer: GITHUB.issuer, authorization_endpoint: GITHUB.authorizationEndpoint, token_endpoint: GITHUB.tokenEndpoint }, provider.clientId, provider.clientSecret))
          : oidc.discovery(new URL(provider.issuer), provider.clientId, provider.clientSecret, undefined, { execute });
      configurations.set(provider.id, found);
      // A failed discovery is tried again next time, not remembered.
      found.catch(() => configurations.delete(provider.id));
    }
    return found;
  }

  /** `verifiedEmail`: only an email the upstream vouched for can place an account in a domain. */
  function domainAllowed(provider: UpstreamProvider, verifiedEmail: string | null, claims: Record<string, unknown>): boolean {
    if (provider.allowedDomains.length && !(verifiedEmail && provider.allowedDomains.includes(emailDomain(verifiedEmail)))) return false;
    if (provider.hd && claims.hd !== provider.hd) return false;
    if (provider.tenant && String(claims.tid ?? '').toLowerCase() !== provider.tenant.toLowerCase()) return false;
    return true;
  }

  async function githubIdentity(provider: UpstreamProvider, accessToken: string): Promise<UpstreamIdentity> {
    const get = async (path: string) => {
      const response = await fetch(`${GITHUB.api}${path}`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/vnd.github+json', 'User-Agent': 'Guestlist' } });
      if (!response.ok) throw new AppError('upstream_failed');
      return response.json() as Promise<unknown>;
    };
    const user = (await get('/user')) as { id?: unknown };
    if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new AppError('upstream_failed');
    // The numeric id, never the login: a login can be renamed and taken by someone else.
    const email = verifiedPrimaryEmail(await get('/user/emails'));
    const normalised = email ? normalizeEmail(email) : null;
    return { issuer: GITHUB.issuer, subject: String(user.id), email: normalised, emailVerified: normalised !== null, domainAllowed: domainAllowed(provider, normalised, {}) };
  }

  return {
    /** Where to send the browser, and what it must bring back (sealed) to the callback. */
    async authorizationUrl(provider: UpstreamProvider): Promise<{ url: string; pending: PendingAuthorization }> {
      try {
        const configuration = await configurationOf(provider);
        const pending: PendingAuthorization = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
        const params: Record<string, string> = {
          redirect_uri: deps.redirectUri(provider.id),
          scope: provider.scopes.join(' '),
          state: pending.state,
          code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
          code_challenge_method: 'S256',
        };
        if (provider.protocol === 'oidc') params.nonce = pending.nonce;
        // Google shows only accounts of that Workspace domain; the `hd` claim is still checked on return.
        if (provider.hd) params.hd = provider.hd;
        return { url: oidc.buildAuthorizationUrl(configuration, params).href, pending };
      } catch (error) {
        deps.onError?.(error, provider.id);
        throw upstreamError(error);
      }
    },

    /** Exchanges the code of the callback at `callbackUrl` and returns who signed in upstream. */
    async complete(provider: UpstreamProvider, callbackUrl: URL, pending: PendingAuthorization): Promise<UpstreamIdentity> {
      try {
        const configuration = await configurationOf(provider);
        if (provider.protocol === 'github') {
          const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, { expectedState: pending.state, pkceCodeVerifier: pending.codeVerifier, idTokenExpected: false });
          return await githubIdentity(provider, tokens.access_token);
        }
        const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          pkceCodeVerifier: pending.codeVerifier,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims()!;
        let claims: Record<string, unknown> = { ...idClaims };
        // Many providers put email in userinfo only; its subject must be the ID token's.
        if (str(claims.email) === null && configuration.serverMetadata().userinfo_endpoint) {
          claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)), ...idClaims };
        }
        const email = str(claims.email) ? normalizeEmail(String(claims.email)) : null;
        // Entra sends no email_verified; its optional claim xms_edov says the tenant owns the email's domain.
        const emailVerified = email !== null && (claims.email_verified === true || (provider.preset === 'entra' && claims.xms_edov === true));
        return { issuer: idClaims.iss, subject: idClaims.sub, email, emailVerified, domainAllowed: domainAllowed(provider, emailVerified ? email : null, claims) };
      } catch (error) {
        deps.onError?.(error, provider.id);
        throw upstreamError(error);
      }
    },
  };
}

export type UpstreamClients = ReturnType<typeof createUpstreamClients>;
