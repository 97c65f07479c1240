// Secrets never leave: the actual invitation tokens, passwords, authorization code, access tokens
// and client secrets used here appear in none of the captured logs, audit events or webhook bodies.
import { Writable } from 'node:stream';
import { FormClient } from '../support/browser-form.ts';
import { adminToken, createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, finishAuthorization, isCallback, passConsent, RP, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import { call } from '../audit/http.ts';
import { startReceiver, type Receiver } from '../webhooks/receiver.ts';
import { createLogger, redactUrl } from '../../src/logging/logger.ts';
import { signUpMember } from '../member/member-session.ts';
import { backupCodesIn, codeAt, enrolTotpOnAccountPage, signInWithPassword } from '../mfa/mfa-session.ts';

const WEBHOOK_SECRET = 'webhook-secret-never-in-a-body-0123';
let gl: RunningGuestlist;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  gl = await startGuestlist({
    env: { CLIENTS_FILE: writeClientsFile(), WEBHOOK_URL: receiver.url, WEBHOOK_SECRET },
    extraDeps: { startWorkers: false, webhookBackoffMs: [1000] },
  });
});
afterAll(async () => {
  await gl.stop();
  await receiver.close();
});

test('tokens, passwords and codes from a whole journey reach no log line, audit event or webhook', async () => {
  const secrets: string[] = [WEBHOOK_SECRET, gl.adminClientSecret, RP.client_secret];
  const admin = await adminToken(gl);
  secrets.push(admin);

  // Invitation, link opened, hosted sign-up through a real relying party, code exchanged.
  const invite = await createInvite(gl, { email: 'secretive@example.com' }, admin);
  const password = 'correct horse battery staple 42';
  secrets.push(invite.token, password);
  const config = await discover(gl.url);
  const browser = new FormClient();
  await browser.get(invite.url);
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token });
  const signUp = await browser.get(start.url.toString());
  const callback = await passConsent(browser, await browser.submit(signUp, '/register', { email: 'secretive@example.com', password, invite_token: invite.token }, isCallback));
  const code = new URL(callback.url).searchParams.get('code')!;
  expect(code).toBeTruthy();
  secrets.push(code);
  const tokens = await finishAuthorization(config, callback.url, start);
  secrets.push(tokens.access_token, tokens.id_token!);

  // A wrong password on the hosted sign-in form, and JSON sign-ups (good, bad token, weak password).
  const wrongPassword = 'wrong password that must not leak';
  secrets.push(wrongPassword);
  const signIn = new FormClient();
  const signInStart = await startAuthorization(config);
  const signInPage = await signIn.get(signInStart.url.toString());
  expect((await signIn.submit(signInPage, '/login', { email: 'secretive@example.com', password: wrongPassword })).status).toBe(401);

  const second = await createInvite(gl, {}, admin);
  const apiPassword = 'api password that stays private';
  const guessedToken = 'guessed-token-that-must-not-leak-123';
  const weakPassword = 'weak1';
  secrets.push(second.token, apiPassword, guessedToken, weakPassword);
  expect((await call('GET', `${gl.url}/api/invites/${second.token}`)).body.valid).toBe(true);
  expect((await call('POST', `${gl.url}/api/register`, { body: { email: 'api@example.com', password: apiPassword, invite_token: guessedToken } })).status).toBe(403);
  expect((await call('POST', `${gl.url}/api/register`, { body: { email: 'api@example.com', password: weakPassword, invite_token: second.token } })).status).toBe(400);
  expect((await call('POST', `${gl.url}/api/register`, { body: { email: 'api@example.com', password: apiPassword, invite_token: second.token } })).status).toBe(201);
  const resent = await call('POST', `${gl.url}/admin/invites/${invite.id}/resend`, { token: admin });
  expect(resent.status).toBe(409);
  const third = await createInvite(gl, { email: 'third@example.com' }, admin);
  const rotated = await call('POST', `${gl.url}/admin/invites/${third.id}/resend`, { token: admin });
  secrets.push(third.token, rotated.body.token);
  await fetch(`${gl.url}/invite/${guessedToken}`);

  expect((await gl.guestlist.services.webhooks.drain()).delivered).toBeGreaterThan(10);

  const logs = gl.logs();
  const auditLog: string[] = [];
  for await (const event of gl.store.audit.stream({})) auditLog.push(JSON.stringify(event));
  const exported = await (await fetch(`${gl.url}/admin/audit`, { headers: { Accept: 'application/x-ndjson', Authorization: `Bearer ${await adminToken(gl)}` } })).text();
  const webhookBodies = receiver.received.map((r) => `${r.body}\n${JSON.stringify(r.headers)}`).join('\n');

  // The captures are real: each holds what it should.
  expect(logs).toContain('"msg":"request"');
  expect(logs).toContain('/invite/[redacted]');
  expect(auditLog.length).toBeGreaterThan(10);
  expect(exported.split('\n').length).toBeGreaterThan(10);
  expect(webhookBodies).toContain('registration.succeeded');

  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(4);
    expect({ where: 'logs', found: logs.includes(secret) }).toEqual({ where: 'logs', found: false });
    expect({ where: 'audit', found: auditLog.some((line) => line.includes(secret)) }).toEqual({ where: 'audit', found: false });
    expect({ where: 'export', found: exported.includes(secret) }).toEqual({ where: 'export', found: false });
    expect({ where: 'webhooks', found: webhookBodies.includes(secret) }).toEqual({ where: 'webhooks', found: false });
  }
});

test('second factors: the authenticator secret, its codes and the backup codes reach no log line, audit event or webhook', async () => {
  const config = await discover(gl.url);
  const member = await signUpMember(gl, 'two-factor@example.com');
  const { secret, codes } = await enrolTotpOnAccountPage(gl, member.browser);
  expect(codes).toHaveLength(10);
  const secrets = [secret, ...codes, ...codes.map((code) => code.replaceAll('-', ''))];
  gl.clock.advance(60_000);
  // A right code, a wrong one, a backup code, and new backup codes.
  const right = codeAt(gl, secret);
  const first = await signInWithPassword(config, 'two-factor@example.com', member.password);
  expect((await first.browser.submit(first.page, '/mfa', { code: right }, isCallback)).status).not.toBe(400);
  const wrong = right === '123456' ? '654321' : '123456';
  const second = await signInWithPassword(config, 'two-factor@example.com', member.password);
  expect((await second.browser.submit(second.page, '/mfa', { code: wrong })).status).toBe(400);
  expect((await second.browser.submit(second.page, '/mfa', { code: codes[0]! }, isCallback)).status).not.toBe(400);
  const renewed = backupCodesIn((await member.browser.submit(await member.browser.get(`${gl.url}/account/security`), '/account/security/backup-codes', {})).html);
  secrets.push(right, wrong, ...renewed);
  expect((await gl.guestlist.services.webhooks.drain()).delivered).toBeGreaterThan(3);

  const logs = gl.logs();
  const auditLog: string[] = [];
  for await (const event of gl.store.audit.stream({ accountId: member.sub })) auditLog.push(JSON.stringify(event));
  expect(auditLog.join('\n')).toContain('backup_code.used');
  expect(auditLog.join('\n')).toContain('mfa.challenge_failed');
  const webhookBodies = receiver.received.map((r) => r.body).join('\n');
  expect(webhookBodies).toContain('mfa.enrolled');
  for (const value of secrets) {
    expect({ value, logs: logs.includes(value), audit: auditLog.some((line) => line.includes(value)), webhooks: webhookBodies.includes(value) }).toEqual({ value, logs: false, audit: false, webhooks: false });
  }
});

test('the logger itself redacts secret fields, at the top level and one level down, and tokens in URLs', () => {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  });
  logger.info(
    {
      password: 'pw-top-level-secret',
      invite_token: 'tok-top-level-secret',
      body: { password: 'pw-nested-secret', code: 'code-nested-secret', email_code: 'ec-nested-secret', client_secret: 'cs-nested-secret' },
      headers: { authorization: 'Bearer bearer-nested-secret', cookie: 'sid=cookie-nested-secret' },
      grant: { access_token: 'at-nested-secret', refresh_token: 'rt-nested-secret' },
      config: { webhook_secret: 'whs-nested-secret' },
    },
    'something happened',
  );
  const out = lines.join('');
  expect(out).toContain('something happened');
  expect(out).toContain('[redacted]');
  for (const secret of ['pw-top-level-secret', 'tok-top-level-secret', 'pw-nested-secret', 'code-nested-secret', 'ec-nested-secret', 'cs-nested-secret', 'bearer-nested-secret', 'cookie-nested-secret', 'at-nested-secret', 'rt-nested-secret', 'whs-nested-secret']) {
    expect(out).not.toContain(secret);
  }
  expect(redactUrl('/invite/abc.def?x=1')).toBe('/invite/[redacted]?x=1');
  expect(redactUrl('/api/invites/abc.def')).toBe('/api/invites/[redacted]');
  expect(redactUrl('/waitlist/confirm/abc.def')).toBe('/waitlist/confirm/[redacted]');
  expect(redactUrl('/Waitlist//Confirm/abc.def')).toBe('/Waitlist//Confirm/[redacted]');
  expect(redactUrl('/auth?client_id=a&invite_token=secret-tok&code=secret-code')).toBe('/auth?client_id=a&invite_token=[redacted]&code=[redacted]');
});

test('a real token in any spelling of a token path (case, percent-encoding, slashes) never reaches the request log', async () => {
  const invite = await createInvite(gl, { email: 'spelling@example.com' });
  const spellings = [`/INVITE/${invite.token}`, `/Invite/${invite.token}`, `/%69nvite/${invite.token}`, `//invite/${invite.token}`, `/invite//${invite.token}`, `/API/invites/${invite.token}`, `/api/Invites/${invite.token}`, `/api/%69nvites/${invite.token}`, `/auth?INVITE_TOKEN=${invite.token}`, `/auth?invite%5Ftoken=${invite.token}`];
  for (const path of spellings) {
    const answer = await fetch(`${gl.url}${path}`, { redirect: 'manual' });
    await answer.arrayBuffer();
  }
  expect(gl.logs()).toContain('[redacted]');
  expect(gl.logs()).not.toContain(invite.token);
});
