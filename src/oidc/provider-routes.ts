// The provider's endpoints, named once: provider.ts configures them, and app.ts hands the provider
// exactly these paths. oidc-provider's own router matches any case and a trailing slash; ours must
// not, so every other spelling is refused before the provider sees it.
export const PROVIDER_ROUTES = {
  authorization: '/auth',
  backchannel_authentication: '/backchannel',
  code_verification: '/device',
  challenge: '/challenge',
  device_authorization: '/device/auth',
  end_session: '/session/end',
  introspection: '/token/introspection',
  jwks: '/jwks',
  pushed_authorization_request: '/request',
  registration: '/reg',
  revocation: '/token/revocation',
  token: '/token',
  userinfo: '/me',
  credential: '/credential',
} as const;

const EXACT_PATHS = new Set<string>([
  ...Object.values(PROVIDER_ROUTES),
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  `${PROVIDER_ROUTES.end_session}/confirm`,
  `${PROVIDER_ROUTES.end_session}/success`,
]);

/** The resume step after an interaction: /auth/{uid}, the uid being the provider's nanoid. */
const RESUME_PATH = new RegExp(`^${PROVIDER_ROUTES.authorization}/[A-Za-z0-9_-]+$`);

/** True for a path spelled exactly as one of the provider's endpoints. */
export function isProviderPath(path: string): boolean {
  return EXACT_PATHS.has(path) || RESUME_PATH.test(path);
}
