// The clients oidc-provider knows: relying parties from clients_file (or one demo client), the
// admin client for client_credentials, and Guestlist's own first-party client for invitation links.
import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigError, type Config } from '../config.ts';
import type { Secrets } from '../secrets/secrets.ts';

/** The first-party client behind GET /invite/{token}: it only needs a session, not tokens. */
export const ACCOUNT_CLIENT_ID = 'guestlist-account';

/** Matches examples/react-app: a public SPA client using PKCE. */
export const DEMO_CLIENT: ClientMetadata = {
  client_id: 'demo-app',
  client_name: 'Demo app',
  token_endpoint_auth_method: 'none',
  application_type: 'web',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: ['http://localhost:5173/callback', 'http://127.0.0.1:5173/callback'],
  post_logout_redirect_uris: ['http://localhost:5173/', 'http://127.0.0.1:5173/'],
  scope: 'openid email phone offline_access invites',
};

/** Where the account client's flows return: the end of an invitation sign-up, or the member page. */
export const accountClientRedirects = (issuer: string) => ({ welcome: `${issuer}/account/welcome`, accountPage: `${issuer}/account`, securityPage: `${issuer}/account/security` });

/**
 * An authorization request of Guestlist's own client (response_type=none: it needs a session, not
 * tokens). Sign-in, or an existing session, brings the person back to `redirect`.
 */
export function accountClientAuthorizationUrl(issuer: string, redirect: keyof ReturnType<typeof accountClientRedirects>, extra: Record<string, string> = {}): string {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID,
    response_type: 'none',
    scope: 'openid email',
    redirect_uri: accountClientRedirects(issuer)[redirect],
    ...extra,
  }).toString();
  return url.toString();
}

export function accountClient(config: Config): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: config.product_name,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['none'],
    // /account/welcome ends an invitation sign-up; /account and /account/security are the member pages' own sign-in.
    redirect_uris: Object.values(accountClientRedirects(config.issuer)),
    scope: 'openid email',
    first_party: true,
  };
}

export function adminClient(secrets: Secrets): ClientMetadata {
  return {
    client_id: secrets.adminClientId,
    client_secret: secrets.adminClientSecret,
    client_name: 'Guestlist admin',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'admin',
  };
}

/**
 * What a relying party without a `scope` list may ask for. A client's `scope` is an allow-list,
 * and without one oidc-provider would let it ask for every scope there is, `admin` included.
 */
export const DEFAULT_CLIENT_SCOPE = 'openid email phone offline_access';

/** Scopes that open Guestlist's own APIs: never advertised, granted only where listed. */
export const PRIVILEGED_SCOPES = ['admin', 'invites'] as const;

/** The relying parties: clients_file when given, the demo client otherwise. */
export function relyingParties(config: Config, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ClientMetadata[] {
  if (!config.clients_file) return [DEMO_CLIENT];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFile(config.clients_file));
  } catch (error) {
    throw new ConfigError(`clients_file (CLIENTS_FILE): cannot read ${config.clients_file} as JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`clients_file (CLIENTS_FILE): ${config.clients_file} must hold a JSON array of client metadata`);
  return parsed.map((client: unknown, index) => {
    if (!client || typeof client !== 'object' || Array.isArray(client)) throw new ConfigError(`clients_file (CLIENTS_FILE): entry ${index + 1} must be an object of client metadata`);
    return withScopes(client as ClientMetadata);
  });
}

/** A client's `scope` is an allow-list: `admin` is refused, and a missing one gets the ordinary scopes. */
function withScopes(client: ClientMetadata): ClientMetadata {
  // The admin scope is only ever granted to the admin client through client_credentials.
  if (typeof client.scope === 'string' && client.scope.split(' ').includes('admin')) {
    throw new ConfigError(`clients_file (CLIENTS_FILE): client ${client.client_id} may not have the admin scope`);
  }
  return typeof client.scope === 'string' ? client : { ...client, scope: DEFAULT_CLIENT_SCOPE };
}
