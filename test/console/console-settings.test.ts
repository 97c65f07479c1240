// The settings screen shows the effective configuration without a single secret: secrets, and any
// option not known to be harmless, show only as set or unset.
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { consoleVisitor } from './console-client.ts';
import { textOf } from '../support/browser-form.ts';
import { OPTIONS } from '../../src/config.ts';
import { SHOWN_OPTIONS } from '../../src/console/settings-page.ts';

let gl: RunningGuestlist;
const SECRETS = {
  ADMIN_CLIENT_SECRET: 'an-admin-secret-that-is-long-enough-0123456789',
  COOKIE_KEYS: 'a-cookie-key-that-is-long-enough-0123456789ab',
  WEBHOOK_SECRET: 'a-webhook-secret-0123456789',
  SMTP_URL: 'smtp://mailer:hunter2-password@smtp.example.test:587',
  WEBHOOK_URL: 'https://hooks.example.test/in?token=sekrit-token-in-url',
};

beforeAll(async () => {
  gl = await startGuestlist({ env: { ...SECRETS, ADMIN_CLIENT_ID: 'ops', PRODUCT_NAME: 'Acme Beta' } });
});
afterAll(() => gl.stop());

test('no secret reaches the settings page; harmless options show their values', async () => {
  const admin = await consoleVisitor(gl, 'owner@example.com', ['admin']);
  const page = await admin.client.get(`${gl.url}/console/settings`);
  expect(page.status).toBe(200);
  for (const secret of [...Object.values(SECRETS), 'hunter2', 'sekrit']) expect(page.html).not.toContain(secret);
  const value = (key: string) => textOf(page.html.slice(page.html.indexOf(`id="setting-${key}"`)), `setting-${key}`)?.replace(/\s+/g, ' ');
  expect(page.html).toMatch(/id="setting-admin_client_secret" data-secret="true">[\s\S]*?<em>set<\/em>/);
  expect(page.html).toMatch(/id="setting-smtp_url" data-secret="true">[\s\S]*?<em>set<\/em>/);
  expect(page.html).toMatch(/id="setting-mongodb_uri" data-secret="true">[\s\S]*?<em>unset<\/em>/);
  expect(page.html).toMatch(/id="setting-product_name" data-secret="false">[\s\S]*?Acme Beta/);
  expect(value('issuer')).toBeDefined();
  // The console wears the configured brand, like the hosted pages.
  expect(page.html).toContain('<span class="brand-name">Acme Beta <span class="console-tag">console</span></span>');
  expect(page.html).toContain('<title>Settings · Acme Beta console</title>');
  // The registered apps are listed.
  expect(page.html).toContain('demo-app');
});

test('every option is either shown or treated as a secret, and the secrets are the ones that hold credentials', () => {
  const hidden = Object.keys(OPTIONS).filter((key) => !SHOWN_OPTIONS.has(key));
  expect(hidden).toEqual(expect.arrayContaining(['admin_client_secret', 'cookie_keys', 'webhook_secret', 'smtp_url', 'mongodb_uri', 'webhook_url', 'alert_webhook_url', 'sms_webhook_url']));
  for (const key of SHOWN_OPTIONS) expect(Object.keys(OPTIONS)).toContain(key);
});
