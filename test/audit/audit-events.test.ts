// Each audit event type is produced by the action that should produce it, with actor, address,
// user agent, request id (the same one answered in X-Request-Id) and a reason on every failure.
import { FormClient } from '../support/browser-form.ts';
import { adminToken, createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { DAY } from '../support/test-clock.ts';
import { call } from './http.ts';
import type { AuditEvent } from '../../src/store/ports.ts';

let gl: RunningGuestlist;
let admin: string;
const UA = 'AuditTest/1.0 (+events)';

beforeAll(async () => {
  gl = await startGuestlist({ extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

async function eventsFor(filter: { type?: string; inviteId?: string; accountId?: string; actor?: string }): Promise<AuditEvent[]> {
  return (await gl.store.audit.query(filter, { limit: 100 })).items;
}

/** Calls with a chosen request id and user agent, and checks X-Request-Id echoes it. */
async function traced(method: string, path: string, requestId: string, body?: unknown, token?: string) {
  // trust_proxy is off (the default): a forged X-Forwarded-For must not change the recorded address.
  const result = await call(method, `${gl.url}${path}`, { body, token, headers: { 'User-Agent': UA, 'X-Request-Id': requestId, 'X-Forwarded-For': '203.0.113.77' } });
  expect(result.headers.get('x-request-id')).toBe(requestId);
  return result;
}

function expectMeta(event: AuditEvent | undefined, requestId: string) {
  expect(event).toBeDefined();
  expect(event!.ip).toBe('127.0.0.1');
  expect(event!.userAgent).toBe(UA);
  expect(event!.requestId).toBe(requestId);
  expect(typeof event!.id).toBe('string');
  expect(event!.at).toBeInstanceOf(Date);
}

test('a request without an id gets a fresh one in X-Request-Id', async () => {
  const first = await call('GET', `${gl.url}/healthz`);
  const second = await call('GET', `${gl.url}/healthz`);
  expect(first.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
});

test('invite.created, invite.revoked and invite.resent carry the admin client as actor', async () => {
  const created = await traced('POST', '/admin/invites', 'req-create-1', { email: 'created@example.com' }, admin);
  expect(created.status).toBe(201);
  const [createdEvent] = await eventsFor({ type: 'invite.created', inviteId: created.body.id });
  expectMeta(createdEvent, 'req-create-1');
  expect(createdEvent!.actor).toBe(gl.adminClientId);
  expect(createdEvent!.reason).toBeNull();

  const resent = await traced('POST', `/admin/invites/${created.body.id}/resend`, 'req-resend-1', undefined, admin);
  expect(resent.status).toBe(200);
  const [resentEvent] = await eventsFor({ type: 'invite.resent', inviteId: created.body.id });
  expectMeta(resentEvent, 'req-resend-1');
  expect(resentEvent!.actor).toBe(gl.adminClientId);

  const revoked = await traced('POST', `/admin/invites/${created.body.id}/revoke`, 'req-revoke-1', undefined, admin);
  expect(revoked.status).toBe(200);
  const [revokedEvent] = await eventsFor({ type: 'invite.revoked', inviteId: created.body.id });
  expectMeta(revokedEvent, 'req-revoke-1');
  expect(revokedEvent!.actor).toBe(gl.adminClientId);
});

test('invite.viewed: opening a link, with the state as reason when it is not valid, and unknown tokens too', async () => {
  const invite = await createInvite(gl, { email: 'viewer@example.com' }, admin);
  const opened = await fetch(invite.url, { redirect: 'manual', headers: { 'User-Agent': UA, 'X-Request-Id': 'req-view-1' } });
  expect(opened.status).toBe(303);
  const [viewed] = await eventsFor({ type: 'invite.viewed', inviteId: invite.id });
  expectMeta(viewed, 'req-view-1');
  expect(viewed!.actor).toBe('anonymous');
  expect(viewed!.reason).toBeNull();

  await call('POST', `${gl.url}/admin/invites/${invite.id}/revoke`, { token: admin });
  const gone = await fetch(invite.url, { redirect: 'manual', headers: { 'User-Agent': UA, 'X-Request-Id': 'req-view-2' } });
  expect(gone.status).toBe(410);
  const views = await eventsFor({ type: 'invite.viewed', inviteId: invite.id });
  expect(views.map((e) => e.reason)).toEqual(['revoked', null]);

  const unknown = await fetch(`${gl.url}/invite/not-a-real-token-at-all`, { headers: { 'User-Agent': UA, 'X-Request-Id': 'req-view-3' } });
  expect(unknown.status).toBe(404);
  const unknownView = (await eventsFor({ type: 'invite.viewed' })).find((e) => e.requestId === 'req-view-3');
  expectMeta(unknownView, 'req-view-3');
  expect(unknownView!.inviteId).toBeNull();
  expect(unknownView!.reason).toBe('unknown');
});

test('invite.redeemed and registration.succeeded name the new account as actor', async () => {
  const invite = await createInvite(gl, { email: 'joiner@example.com' }, admin);
  const registered = await traced('POST', '/api/register', 'req-register-1', { email: 'joiner@example.com', password: 'joiner password 1', invite_token: invite.token });
  expect(registered.status).toBe(201);
  const sub = registered.body.sub as string;
  const [redeemed] = await eventsFor({ type: 'invite.redeemed', inviteId: invite.id });
  expectMeta(redeemed, 'req-register-1');
  expect(redeemed).toMatchObject({ actor: sub, accountId: sub, reason: null });
  const [succeeded] = await eventsFor({ type: 'registration.succeeded', accountId: sub });
  expectMeta(succeeded, 'req-register-1');
  expect(succeeded).toMatchObject({ actor: sub, inviteId: invite.id, data: { via: 'invite' } });
});

test('registration.failed and invite.redeem_failed carry the refusal as reason', async () => {
  const invite = await createInvite(gl, { email: 'bound@example.com' }, admin);
  const mismatch = await traced('POST', '/api/register', 'req-mismatch-1', { email: 'other@example.com', password: 'some password 1', invite_token: invite.token });
  expect(mismatch.status).toBe(403);
  expect(mismatch.body.error).toBe('email_mismatch');
  const [redeemFailed] = await eventsFor({ type: 'invite.redeem_failed', inviteId: invite.id });
  expectMeta(redeemFailed, 'req-mismatch-1');
  expect(redeemFailed).toMatchObject({ actor: 'anonymous', reason: 'email_mismatch' });
  const failed = (await eventsFor({ type: 'registration.failed' })).find((e) => e.requestId === 'req-mismatch-1');
  expectMeta(failed, 'req-mismatch-1');
  expect(failed).toMatchObject({ actor: 'anonymous', inviteId: invite.id, reason: 'email_mismatch' });

  const noInvite = await traced('POST', '/api/register', 'req-noinvite-1', { email: 'nobody@example.com', password: 'some password 1' });
  expect(noInvite.status).toBe(403);
  const required = (await eventsFor({ type: 'registration.failed' })).find((e) => e.requestId === 'req-noinvite-1');
  expect(required).toMatchObject({ reason: 'invite_required', inviteId: null });

  gl.clock.advance(8 * DAY);
  const expired = await traced('POST', '/api/register', 'req-expired-1', { email: 'bound@example.com', password: 'some password 1', invite_token: invite.token });
  expect(expired.status).toBe(403);
  const expiredEvent = (await eventsFor({ type: 'invite.redeem_failed', inviteId: invite.id })).find((e) => e.requestId === 'req-expired-1');
  expect(expiredEvent!.reason).toBe('invalid_invite');
});

test('login.succeeded and login.failed come from the hosted sign-in form, with a reason on failure', async () => {
  const invite = await createInvite(gl, { email: 'signer@example.com' });
  const registered = await call('POST', `${gl.url}/api/register`, { body: { email: 'signer@example.com', password: 'signer password 1', invite_token: invite.token } });
  const sub = registered.body.sub as string;

  const browser = new FormClient();
  const start = await browser.get(`${gl.url}/auth?client_id=guestlist-account&response_type=none&scope=openid&redirect_uri=${encodeURIComponent(`${gl.url}/account/welcome`)}`);
  if (!start.html.includes('/login')) throw new Error(`expected a sign-in page, got ${start.status}: ${start.html.slice(0, 500)}`);
  const wrong = await browser.submit(start, '/login', { email: 'signer@example.com', password: 'not it at all' });
  expect(wrong.status).toBe(401);
  const unknown = await browser.submit(wrong, '/login', { email: 'ghost@example.com', password: 'not it at all' });
  expect(unknown.status).toBe(401);
  await browser.submit(unknown, '/login', { email: 'signer@example.com', password: 'signer password 1' });

  const failures = await eventsFor({ type: 'login.failed' });
  const wrongPassword = failures.find((e) => e.accountId === sub);
  expect(wrongPassword).toMatchObject({ actor: 'anonymous', reason: 'wrong_password', ip: '127.0.0.1' });
  expect(wrongPassword!.requestId).toBeTruthy();
  expect(failures.find((e) => e.reason === 'unknown_account')).toMatchObject({ actor: 'anonymous', accountId: null, data: { email_domain: 'example.com' } });
  const [succeeded] = await eventsFor({ type: 'login.succeeded', accountId: sub });
  expect(succeeded).toMatchObject({ actor: sub, accountId: sub, reason: null, ip: '127.0.0.1' });
  expect(succeeded!.requestId).toBeTruthy();
});

test('a disabled account: login.failed with reason account_disabled', async () => {
  const invite = await createInvite(gl, { email: 'sleepy@example.com' });
  const registered = await call('POST', `${gl.url}/api/register`, { body: { email: 'sleepy@example.com', password: 'sleepy password 1', invite_token: invite.token } });
  await gl.store.accounts.update(registered.body.sub, { disabled: true });
  await expect(gl.guestlist.services.signIn.signIn('sleepy@example.com', 'sleepy password 1', { ip: '10.9.9.9', userAgent: UA, requestId: 'req-disabled' })).rejects.toMatchObject({
    status: 403,
    code: 'account_disabled',
  });
  const [failed] = await eventsFor({ type: 'login.failed', accountId: registered.body.sub });
  expect(failed).toMatchObject({ reason: 'account_disabled', ip: '10.9.9.9', userAgent: UA, requestId: 'req-disabled' });
});
