// The configuration: env and file, defaults, and bad values named at start.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.ts';

test('defaults follow the contract', () => {
  const config = loadConfig({ env: {} });
  expect(config).toMatchObject({
    enable_invite_only: true,
    invite_link_expiry: 7,
    max_invites_per_user: 5,
    invitation_whitelist_emails: [],
    issuer: 'http://localhost:3000',
    port: 3000,
    data_dir: './data',
    mail_from: 'Guestlist <no-reply@localhost>',
    require_email_verification: false,
    require_phone_verification: false,
    audit_retention_days: 365,
    failed_job_retention_days: 30,
    redemption_retention_days: 365,
    trust_proxy: false,
  });
  expect(config.mongodb_uri).toBeUndefined();
  expect(Object.isFrozen(config)).toBe(true);
});

test('environment values are parsed by type; the JSON file overlays them', () => {
  const config = loadConfig({
    env: { ENABLE_INVITE_ONLY: 'false', INVITE_LINK_EXPIRY: '30', INVITATION_WHITELIST_EMAILS: 'Example.com, @crew.io ,alice@example.org', GUESTLIST_CONFIG: '/etc/guestlist.json' },
    readFile: () => JSON.stringify({ max_invites_per_user: 2, invite_link_expiry: 14, issuer: 'https://id.example.com/' }),
  });
  expect(config.enable_invite_only).toBe(false);
  expect(config.invite_link_expiry).toBe(14);
  expect(config.max_invites_per_user).toBe(2);
  expect(config.invitation_whitelist_emails).toEqual(['example.com', '@crew.io', 'alice@example.org']);
  expect(config.issuer).toBe('https://id.example.com');
});

test.each([
  [{ INVITE_LINK_EXPIRY: 'soon' }, /invite_link_expiry \(INVITE_LINK_EXPIRY\) must be a whole number/],
  [{ INVITE_LINK_EXPIRY: '0' }, /invite_link_expiry \(INVITE_LINK_EXPIRY\) must be at least 1/],
  [{ ENABLE_INVITE_ONLY: 'maybe' }, /enable_invite_only \(ENABLE_INVITE_ONLY\) must be true or false/],
  [{ INVITATION_WHITELIST_EMAILS: 'example.com,not an entry' }, /invitation_whitelist_emails .* must be example.com, @example.com or alice@example.org/],
  [{ ISSUER: 'ftp://x' }, /issuer \(ISSUER\) must be an http\(s\) URL/],
  [{ MONGODB_URI: 'postgres://x' }, /mongodb_uri \(MONGODB_URI\) must be a mongodb/],
])('a bad value is refused with the option named: %p', (env, message) => {
  expect(() => loadConfig({ env })).toThrow(ConfigError);
  expect(() => loadConfig({ env })).toThrow(message);
});

test('an unknown key in the file is refused (a typo must not be silently ignored)', () => {
  expect(() => loadConfig({ env: { GUESTLIST_CONFIG: 'x.json' }, readFile: () => '{"invite_link_expiryy": 3}' })).toThrow(/unknown option\(s\) invite_link_expiryy/);
});

test('production refuses generated secrets and a plain-http issuer', () => {
  expect(() => loadConfig({ env: { NODE_ENV: 'production', ISSUER: 'https://id.example.com' } })).toThrow(
    /NODE_ENV=production refuses generated secrets; set jwks_file \(JWKS_FILE\), cookie_keys \(COOKIE_KEYS\), admin_client_id \(ADMIN_CLIENT_ID\), admin_client_secret \(ADMIN_CLIENT_SECRET\)/,
  );
  const complete = {
    NODE_ENV: 'production',
    JWKS_FILE: '/run/secrets/jwks.json',
    COOKIE_KEYS: 'k'.repeat(40),
    ADMIN_CLIENT_ID: 'ops',
    ADMIN_CLIENT_SECRET: 's'.repeat(40),
  };
  expect(() => loadConfig({ env: { ...complete, ISSUER: 'http://id.example.com' } })).toThrow(/issuer \(ISSUER\) must be an https:\/\/ URL in production/);
  expect(loadConfig({ env: { ...complete, ISSUER: 'https://id.example.com' } }).production).toBe(true);
});

test('the process stops at start with a message naming the bad option', () => {
  const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], {
    env: { PATH: process.env.PATH, INVITE_LINK_EXPIRY: 'abc', DATA_DIR: mkdtempSync(join(tmpdir(), 'guestlist-cfg-')) },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(78);
  expect(result.stderr).toContain('invite_link_expiry (INVITE_LINK_EXPIRY) must be a whole number');
});
