// Password recovery over the JSON API with a real SMTP server and a real relying party: the code
// by email, the reset token, the new password, and everything the old one opened ending with it.
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { oidc, writeClientsFile } from '../support/relying-party.ts';
import { MINUTE } from '../support/test-clock.ts';
import { deliverRecoveryMail, mailSubjectsTo, mailTextsTo, recoveryCodesTo, registerAccount, signInAsApp, wrongRecoveryCode } from './support.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false } });
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

const api = (path: string, body: unknown) => postJson(`${gl.url}${path}`, body);

async function codeFor(email: string, count = 1): Promise<{ recoveryId: string; code: string }> {
  const asked = await api('/api/recovery', { email });
  expect(asked.status).toBe(202);
  await deliverRecoveryMail(gl);
  const codes = recoveryCodesTo(smtp, email);
  expect(codes.length).toBeGreaterThanOrEqual(count);
  return { recoveryId: asked.body.recovery_id, code: codes[codes.length - 1]! };
}

async function auditTypes(accountId: string): Promise<string[]> {
  const events = await getJson(`${gl.url}/admin/audit?account_id=${accountId}&limit=100`, await adminToken(gl));
  return (events.body.data as Array<{ type: string }>).map((event) => event.type);
}

test('request → code by email → reset token → new password; every session, grant and refresh token ends', async () => {
  const sub = await registerAccount(gl, 'rosa@example.com', 'rosa old password');
  const before = await signInAsApp(gl, 'rosa@example.com', 'rosa old password');
  expect(before.tokens?.refresh_token).toBeTruthy();
  const { tokens, config } = before as Required<typeof before>;

  const asked = await api('/api/recovery', { email: 'Rosa@Example.com ' });
  expect(asked.status).toBe(202);
  expect(asked.body).toEqual({ status: 'code_sent', recovery_id: expect.any(String), expires_in: 900 });
  await deliverRecoveryMail(gl);
  const [text] = mailTextsTo(smtp, 'rosa@example.com');
  const code = recoveryCodesTo(smtp, 'rosa@example.com')[0]!;
  expect(code).toMatch(/^\d{8}$/);
  // The link only fills the code in: a GET of a page, built from the issuer.
  expect(text).toContain(`${gl.url}/recovery/code?code=${code}`);
  expect(text).toContain('expires in 15 minutes');

  const verified = await api('/api/recovery/verify', { recovery_id: asked.body.recovery_id, code });
  expect(verified.status).toBe(200);
  expect(verified.body).toEqual({ reset_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expires_in: 900 });
  // Single use: the same code again is spent.
  expect((await api('/api/recovery/verify', { recovery_id: asked.body.recovery_id, code })).body.error).toBe('code_expired');

  const done = await api('/api/recovery/complete', { reset_token: verified.body.reset_token, password: 'rosa new long password' });
  expect(done.status).toBe(204);
  expect((await api('/api/recovery/complete', { reset_token: verified.body.reset_token, password: 'rosa other password' })).body).toMatchObject({ error: 'invalid_token' });
  expect((await api('/api/recovery/complete', { reset_token: verified.body.reset_token, password: 'rosa other password' })).status).toBe(400);

  // What the old password opened is gone: refresh token, access token, the browser session.
  await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  const stillSignedIn = await before.browser.get(`${gl.url}/account`);
  expect(stillSignedIn.html).toContain('id="signed-out"');

  // Not signed in automatically; the old password no longer works, the new one does.
  expect((await signInAsApp(gl, 'rosa@example.com', 'rosa old password')).refused?.status).toBe(401);
  expect((await signInAsApp(gl, 'rosa@example.com', 'rosa new long password')).tokens?.claims()?.sub).toBe(sub);

  await gl.guestlist.services.mail.drain();
  expect(mailSubjectsTo(smtp, 'rosa@example.com')).toEqual(['Your Guestlist password reset code', 'Your Guestlist password was changed']);
  expect(await auditTypes(sub)).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset_completed', 'password.reset_failed']));
});

test('the email counts as verified after a reset', async () => {
  // Whitelisted: admitted without proof of the address.
  const whitelisted = await startGuestlist({ env: { SMTP_URL: smtp.url, INVITATION_WHITELIST_EMAILS: 'open.example' }, extraDeps: { startWorkers: false } });
  try {
    const created = await postJson(`${whitelisted.url}/api/register`, { email: 'nico@open.example', password: 'nico first password' });
    expect(created.status).toBe(201);
    const user = async () => getJson(`${whitelisted.url}/admin/users/${created.body.sub}`, await adminToken(whitelisted));
    expect((await user()).body.email_verified).toBe(false);
    const asked = await postJson(`${whitelisted.url}/api/recovery`, { email: 'nico@open.example' });
    await deliverRecoveryMail(whitelisted);
    const code = recoveryCodesTo(smtp, 'nico@open.example').pop()!;
    const verified = await postJson(`${whitelisted.url}/api/recovery/verify`, { recovery_id: asked.body.recovery_id, code });
    expect((await postJson(`${whitelisted.url}/api/recovery/complete`, { reset_token: verified.body.reset_token, password: 'nico second password' })).status).toBe(204);
    expect((await user()).body.email_verified).toBe(true);
  } finally {
    await whitelisted.stop();
  }
});

test('a weak new password is 400 weak_password with its reason, and spends nothing', async () => {
  await registerAccount(gl, 'wes@example.com', 'wes first password');
  const { recoveryId, code } = await codeFor('wes@example.com');
  const { body } = await api('/api/recovery/verify', { recovery_id: recoveryId, code });
  const weak = await api('/api/recovery/complete', { reset_token: body.reset_token, password: 'password123' });
  expect(weak.status).toBe(400);
  expect(weak.body).toMatchObject({ error: 'weak_password', details: [{ path: 'password', reason: 'common' }] });
  const mine = await api('/api/recovery/complete', { reset_token: body.reset_token, password: 'wes@example.com rocks' });
  expect(mine.body.details).toEqual([expect.objectContaining({ reason: 'contains_email' })]);
  expect((await api('/api/recovery/complete', { reset_token: body.reset_token, password: 'wes picks a good one' })).status).toBe(204);
});

test('wrong codes count down, five kill the recovery even for the right code; a code expires; a new request cancels the old code', async () => {
  await registerAccount(gl, 'kim@example.com', 'kim first password');
  const first = await codeFor('kim@example.com');
  for (let left = 4; left >= 0; left--) {
    const wrong = await api('/api/recovery/verify', { recovery_id: first.recoveryId, code: wrongRecoveryCode(first.code) });
    expect([wrong.status, wrong.body.error, wrong.body.details]).toEqual([400, 'invalid_code', [{ remaining_attempts: left }]]);
  }
  const locked = await api('/api/recovery/verify', { recovery_id: first.recoveryId, code: first.code });
  expect([locked.status, locked.body.error]).toEqual([429, 'recovery_locked']);
  expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

  const second = await codeFor('kim@example.com', 2);
  gl.clock.advance(15 * MINUTE + 1000);
  expect((await api('/api/recovery/verify', { recovery_id: second.recoveryId, code: second.code })).body.error).toBe('code_expired');

  const third = await codeFor('kim@example.com', 3);
  const fourth = await codeFor('kim@example.com', 4);
  expect(third.code).not.toBe(fourth.code);
  expect((await api('/api/recovery/verify', { recovery_id: third.recoveryId, code: third.code })).body.error).toBe('code_expired');
  expect((await api('/api/recovery/verify', { recovery_id: fourth.recoveryId, code: fourth.code })).status).toBe(200);
});

test('malformed input is 400 invalid_request and changes nothing; an unknown recovery id is a wrong code', async () => {
  expect((await api('/api/recovery', { email: 'not an email' })).body.error).toBe('invalid_request');
  expect((await api('/api/recovery', {})).status).toBe(400);
  expect((await api('/api/recovery/verify', { recovery_id: 'x'.repeat(65), code: '12345678' })).body.error).toBe('invalid_request');
  expect((await api('/api/recovery/verify', { recovery_id: 'no-such-recovery', code: '12345678' })).body.error).toBe('invalid_code');
  expect((await api('/api/recovery/complete', { reset_token: 'not-a-token', password: 'whatever it is now' })).body.error).toBe('invalid_token');
});

test('a disabled account gets no code, and a reset link of it dies while it is disabled', async () => {
  const sub = await registerAccount(gl, 'dora@example.com', 'dora first password');
  const { recoveryId, code } = await codeFor('dora@example.com');
  const { body } = await api('/api/recovery/verify', { recovery_id: recoveryId, code });
  const admin = await adminToken(gl);
  await postJson(`${gl.url}/admin/users/${sub}/disable`, {}, admin);
  const refused = await api('/api/recovery/complete', { reset_token: body.reset_token, password: 'dora second password' });
  expect([refused.status, refused.body.error]).toEqual([400, 'invalid_token']);
  const asked = await api('/api/recovery', { email: 'dora@example.com' });
  expect(asked.status).toBe(202);
  await deliverRecoveryMail(gl);
  expect(recoveryCodesTo(smtp, 'dora@example.com')).toHaveLength(1);
  // Still disabled: a reset never re-enables it.
  expect((await getJson(`${gl.url}/admin/users/${sub}`, admin)).body.disabled).toBe(true);
});
