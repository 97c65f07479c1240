// The limits on asking for codes (per email and window, per email and day, per address), with
// 429, Retry-After and one security.alert; and the admin's recovery link.
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { FormClient } from '../support/browser-form.ts';
import { DAY, MINUTE } from '../support/test-clock.ts';
import { adminPost, deliverRecoveryMail, mailTextsTo, recoveryCodesTo, registerAccount, signInAsApp } from './support.ts';
import { writeClientsFile } from '../support/relying-party.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false } });
});
let testStart: Date;
beforeEach(() => {
  // Every test starts in fresh windows.
  testStart = gl.clock.advance(2 * DAY);
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

const ask = (email: string) => postJson(`${gl.url}/api/recovery`, { email });

/** The alerts of `reason` raised since this test began. */
async function alerts(reason: string) {
  const events = await getJson(`${gl.url}/admin/audit?type=security.alert&limit=100&since=${testStart.toISOString()}`, await adminToken(gl));
  return (events.body.data as Array<{ reason: string }>).filter((event) => event.reason === reason);
}

test('three codes per email and window, then 429 with Retry-After and one alert; unknown addresses alike', async () => {
  for (const email of ['lim@example.com', 'no-account@example.com']) {
    for (let i = 0; i < 3; i++) expect((await ask(email)).status).toBe(202);
    const refused = await ask(email);
    expect([refused.status, refused.body.error]).toEqual([429, 'too_many_requests']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect((await ask(email)).status).toBe(429);
    // The address's own limit is not what this test is about: a new window for the next email.
    gl.clock.advance(16 * MINUTE);
  }
  expect(await alerts('recovery_email_limit')).toHaveLength(2);
  // A new window lets an email ask again; another email was never held up.
  for (let i = 0; i < 3; i++) expect((await ask('lim@example.com')).status).toBe(202);
  expect((await ask('else@example.com')).status).toBe(202);
});

test('ten codes per email and day, whatever the windows', async () => {
  for (let i = 0; i < 10; i++) {
    if (i % 3 === 0) gl.clock.advance(16 * MINUTE);
    expect([i, (await ask('daily@example.com')).status]).toEqual([i, 202]);
  }
  gl.clock.advance(16 * MINUTE);
  const refused = await ask('daily@example.com');
  expect([refused.status, refused.body.error]).toEqual([429, 'too_many_requests']);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60 * 60);
  expect(await alerts('recovery_email_daily_limit')).toHaveLength(1);
});

test('ten requests per address and window, across emails', async () => {
  for (let i = 0; i < 10; i++) expect((await ask(`spray${i}@example.com`)).status).toBe(202);
  const refused = await ask('spray-last@example.com');
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBeTruthy();
  expect(await alerts('recovery_request_limit')).toHaveLength(1);
});

test('an admin link, returned once: the page opens without spending it, the token sets a password once', async () => {
  const sub = await registerAccount(gl, 'ada.admin@example.com', 'ada first password');
  const created = await adminPost(gl, `/admin/users/${sub}/recovery`, { send_email: false });
  expect(created.status).toBe(201);
  expect(created.body).toEqual({ url: expect.stringMatching(new RegExp(`^${gl.url}/recovery/reset\\?token=[A-Za-z0-9_-]{43}$`)) });
  const token = new URL(created.body.url).searchParams.get('token')!;
  // A mail scanner opening the link spends nothing.
  await new FormClient().get(created.body.url);
  await fetch(created.body.url, { method: 'HEAD' });
  expect((await postJson(`${gl.url}/api/recovery/complete`, { reset_token: token, password: 'ada second password' })).status).toBe(204);
  expect((await postJson(`${gl.url}/api/recovery/complete`, { reset_token: token, password: 'ada third password' })).body.error).toBe('invalid_token');
  expect((await signInAsApp(gl, 'ada.admin@example.com', 'ada second password')).tokens).toBeTruthy();
  const events = await getJson(`${gl.url}/admin/audit?account_id=${sub}&type=password.reset_requested`, await adminToken(gl));
  expect(events.body.data[0]).toMatchObject({ actor: gl.adminClientId, data: { via: 'admin_link', emailed: false, expires_in_hours: 24 } });
  expect(JSON.stringify(events.body)).not.toContain(token);
});

test('an admin link by email (the default), which ends older codes; it expires when said', async () => {
  const sub = await registerAccount(gl, 'bo.admin@example.com', 'bo first password');
  const asked = await ask('bo.admin@example.com');
  await deliverRecoveryMail(gl);
  const code = recoveryCodesTo(smtp, 'bo.admin@example.com')[0]!;
  const emailed = await adminPost(gl, `/admin/users/${sub}/recovery`, { expires_in_hours: 1 });
  expect([emailed.status, emailed.body]).toEqual([201, {}]);
  expect((await postJson(`${gl.url}/api/recovery/verify`, { recovery_id: asked.body.recovery_id, code })).body.error).toBe('code_expired');
  await gl.guestlist.services.mail.drain();
  const link = /https?:\/\/\S+\/recovery\/reset\?token=[A-Za-z0-9_-]{43}/.exec(mailTextsTo(smtp, 'bo.admin@example.com').pop()!)![0];
  expect(link.startsWith(gl.url)).toBe(true);
  gl.clock.advance(61 * MINUTE);
  const late = await postJson(`${gl.url}/api/recovery/complete`, { reset_token: new URL(link).searchParams.get('token'), password: 'bo second password' });
  expect([late.status, late.body.error]).toEqual([400, 'invalid_token']);
});

test('admin link refusals: 404 unknown user, 409 disabled (never re-enabled), 400 past seven days', async () => {
  expect((await adminPost(gl, '/admin/users/no-such-user/recovery')).status).toBe(404);
  const sub = await registerAccount(gl, 'cy.admin@example.com', 'cy first password');
  expect((await adminPost(gl, `/admin/users/${sub}/recovery`, { expires_in_hours: 169 })).body).toMatchObject({ error: 'invalid_request', details: [{ path: 'expires_in_hours' }] });
  await adminPost(gl, `/admin/users/${sub}/disable`);
  const refused = await adminPost(gl, `/admin/users/${sub}/recovery`);
  expect([refused.status, refused.body.error]).toEqual([409, 'conflict']);
  expect((await getJson(`${gl.url}/admin/users/${sub}`, await adminToken(gl))).body.disabled).toBe(true);
  expect((await postJson(`${gl.url}/admin/users/${sub}/recovery`, {})).status).toBe(401);
});
