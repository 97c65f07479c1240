// upstream_providers in the config: defaults, presets, and mistakes named at start (without echoing secrets).
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (providers: unknown[], extra: Record<string, string> = {}) =>
  loadConfig({ env: { GUESTLIST_CONFIG: '/config.json', ...extra }, readFile: () => JSON.stringify({ upstream_providers: providers }) });

const secret = 'an-upstream-client-secret';

test('no providers by default; a plain OIDC entry defaults to link_only, email not trusted, openid email scopes', () => {
  expect(loadConfig({ env: {} }).upstream_providers).toEqual([]);
  const [provider] = load([{ id: 'corp', name: 'Corp SSO', issuer: 'https://sso.corp.example/', client_id: 'gl', client_secret: secret }]).upstream_providers;
  expect(provider).toEqual({
    id: 'corp', name: 'Corp SSO', protocol: 'oidc', preset: null, issuer: 'https://sso.corp.example', clientId: 'gl', clientSecret: secret,
    scopes: ['openid', 'email'], allowedDomains: [], hd: null, tenant: null, signup: 'link_only', trustEmail: false,
  });
});

test('presets fill in Google, Entra (pinned to its tenant) and GitHub (plain OAuth 2.0)', () => {
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const providers = load([
    { id: 'google', name: 'Google', preset: 'google', hd: 'Example.com', client_id: 'g', client_secret: secret, signup: 'whitelist' },
    { id: 'entra', name: 'Microsoft', preset: 'entra', tenant, client_id: 'e', client_secret: secret },
    { id: 'github', name: 'GitHub', preset: 'github', client_id: 'h', client_secret: secret, signup: 'invite_required' },
  ]).upstream_providers;
  expect(providers.map((p) => [p.id, p.protocol, p.issuer, p.scopes.join(' '), p.signup])).toEqual([
    ['google', 'oidc', 'https://accounts.google.com', 'openid email profile', 'whitelist'],
    ['entra', 'oidc', `https://login.microsoftonline.com/${tenant}/v2.0`, 'openid email profile', 'link_only'],
    ['github', 'github', 'https://github.com', 'read:user user:email', 'invite_required'],
  ]);
  expect(providers[0]!.hd).toBe('example.com');
  expect(providers[1]!.tenant).toBe(tenant);
});

test.each([
  [[{ id: 'x', name: 'X', client_id: 'a', client_secret: secret }], 'upstream_providers[0].issuer'],
  [[{ id: 'x', name: 'X', preset: 'entra', client_id: 'a', client_secret: secret }], 'upstream_providers[0].tenant'],
  [[{ id: 'x', name: 'X', issuer: 'https://a.example', hd: 'example.com', client_id: 'a', client_secret: secret }], 'upstream_providers[0].hd'],
  [[{ id: 'x', name: 'X', issuer: 'https://a.example', client_id: 'a', client_secret: secret, signup: 'anyone' }], 'upstream_providers[0].signup'],
  [[{ id: 'Has Space', name: 'X', issuer: 'https://a.example', client_id: 'a', client_secret: secret }], 'upstream_providers[0].id'],
  [[{ id: 'x', name: 'X', issuer: 'https://a.example', client_id: 'a', client_secret: secret }, { id: 'x', name: 'Y', issuer: 'https://b.example', client_id: 'b', client_secret: secret }], 'upstream_providers[1].id'],
])('a bad entry stops the start naming its path, never echoing the secret (%#)', (providers, path) => {
  let error: unknown;
  try {
    load(providers);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(path);
  expect((error as Error).message).not.toContain(secret);
});

test('the environment takes the list as JSON; production refuses a plain-http upstream', () => {
  const env = { UPSTREAM_PROVIDERS: JSON.stringify([{ id: 'corp', name: 'Corp', issuer: 'http://sso.corp.example', client_id: 'a', client_secret: secret }]) };
  expect(loadConfig({ env }).upstream_providers[0]!.issuer).toBe('http://sso.corp.example');
  const production = {
    ...env, NODE_ENV: 'production', ISSUER: 'https://id.example', JWKS_FILE: '/k', COOKIE_KEYS: 'k'.repeat(32), ADMIN_CLIENT_ID: 'admin', ADMIN_CLIENT_SECRET: 's'.repeat(32), SMTP_URL: 'smtp://mail',
  };
  expect(() => loadConfig({ env: production })).toThrow('upstream_providers "corp": issuer must be an https:// URL in production');
});
