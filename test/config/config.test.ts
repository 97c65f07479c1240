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
    member_invites_per_day: 20,
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
    rate_limit_login_failures: 5,
    rate_limit_login_failures_per_address: 20,
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
    SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
  };
  expect(() => loadConfig({ env: { ...complete, ISSUER: 'http://id.example.com' } })).toThrow(/issuer \(ISSUER\) must be an https:\/\/ URL in production/);
  expect(loadConfig({ env: { ...complete, ISSUER: 'https://id.example.com' } }).production).toBe(true);
});

test('production refuses to start without smtp_url, and without sms_webhook_url when phone verification is on', () => {
  const complete = {
    NODE_ENV: 'production',
    ISSUER: 'https://id.example.com',
    JWKS_FILE: '/run/secrets/jwks.json',
    COOKIE_KEYS: 'k'.repeat(40),
    ADMIN_CLIENT_ID: 'ops',
    ADMIN_CLIENT_SECRET: 's'.repeat(40),
  };
  expect(() => loadConfig({ env: complete })).toThrow(/NODE_ENV=production needs real delivery, not the outbox folder; set smtp_url \(SMTP_URL\)$/);
  const withMail = { ...complete, SMTP_URL: 'smtp://smtp.example.com:587' };
  expect(loadConfig({ env: withMail }).smtp_url).toBe('smtp://smtp.example.com:587');
  expect(() => loadConfig({ env: { ...withMail, REQUIRE_PHONE_VERIFICATION: 'true' } })).toThrow(/set sms_webhook_url \(SMS_WEBHOOK_URL\), since require_phone_verification is on/);
  expect(loadConfig({ env: { ...withMail, REQUIRE_PHONE_VERIFICATION: 'true', SMS_WEBHOOK_URL: 'https://sms.example.com/send' } }).production).toBe(true);
  // Development keeps the outbox.
  expect(loadConfig({ env: { REQUIRE_PHONE_VERIFICATION: 'true' } }).smtp_url).toBeUndefined();
});

test('any option can be read from a file named by NAME_FILE (secrets), trimmed; never both, never an unreadable file', () => {
  const files: Record<string, string> = {
    '/run/secrets/cookie_keys': `${'a'.repeat(40)},${'b'.repeat(40)}\n`,
    '/run/secrets/admin_client_secret': `${'s'.repeat(48)}\n`,
    '/run/secrets/smtp_url': 'smtps://mailer:p%40ss@smtp.example.com:465\n',
  };
  const readFile = (path: string) => {
    if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return files[path]!;
  };
  const config = loadConfig({
    env: { COOKIE_KEYS_FILE: '/run/secrets/cookie_keys', ADMIN_CLIENT_SECRET_FILE: '/run/secrets/admin_client_secret', SMTP_URL_FILE: '/run/secrets/smtp_url' },
    readFile,
  });
  expect(config.cookie_keys).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
  expect(config.admin_client_secret).toBe('s'.repeat(48));
  expect(config.smtp_url).toBe('smtps://mailer:p%40ss@smtp.example.com:465');
  expect(() => loadConfig({ env: { COOKIE_KEYS: 'c'.repeat(40), COOKIE_KEYS_FILE: '/run/secrets/cookie_keys' }, readFile })).toThrow('set COOKIE_KEYS or COOKIE_KEYS_FILE, not both');
  expect(() => loadConfig({ env: { ADMIN_CLIENT_SECRET_FILE: '/run/secrets/missing' }, readFile })).toThrow('ADMIN_CLIENT_SECRET_FILE: cannot read /run/secrets/missing (ENOENT)');
  // A bad value from a file is named like any other, but never echoed: it is a secret.
  const bad = () => loadConfig({ env: { ADMIN_CLIENT_SECRET_FILE: '/run/secrets/short' }, readFile: () => 'short-secret' });
  expect(bad).toThrow(/admin_client_secret \(ADMIN_CLIENT_SECRET\) must be at least 32 characters/);
  expect(bad).not.toThrow(/short-secret/);
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
