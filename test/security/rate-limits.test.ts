// Abuse limits over the real HTTP surface: 429 with Retry-After past each limit, one security.alert
// per subject and window, hosted pages with a plain message, and login lockouts that end and grow.
import { FormClient, textOf } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { call } from '../audit/http.ts';
import { AppError } from '../../src/errors.ts';
import type { AuditEvent } from '../../src/store/ports.ts';

let gl: RunningGuestlist;
const MINUTE = 60_000;
const TOO_MANY = 'Too many attempts. Wait a moment, then try again.';

beforeAll(async () => {
  gl = await startGuestlist({
    env: {
      TRUST_PROXY: 'true',
      RATE_LIMIT_WINDOW_MINUTES: '15',
      RATE_LIMIT_INVITE_FAILURES: '3',
      RATE_LIMIT_REGISTRATIONS: '4',
      RATE_LIMIT_INVITE_LOOKUPS: '5',
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_CODE_FAILURES: '2',
    },
    extraDeps: { startWorkers: false },
  });
});
afterAll(() => gl.stop());

/** Requests from a chosen address: trust_proxy is on, so X-Forwarded-For decides. */
const from = (ip: string) => ({ 'X-Forwarded-For': ip });

async function alertsFor(ip: string): Promise<AuditEvent[]> {
  return (await gl.store.audit.query({ type: 'security.alert', ip }, { limit: 100 })).items;
}

function expectTooMany(result: { status: number; headers: Headers; body: any }, maxSeconds: number) {
  expect(result.status).toBe(429);
  expect(result.body).toEqual({ error: 'too_many_requests', message: TOO_MANY });
  const retryAfter = Number(result.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

test('unknown invitation tokens: counted per address across link, lookup and sign-up; then 429 and one alert', async () => {
  const ip = '198.51.100.1';
  const valid = await createInvite(gl, { email: 'valid@example.com' });
  const link = await fetch(`${gl.url}/invite/guess-one`, { headers: { ...from(ip), Accept: 'text/html' } });
  expect(link.status).toBe(404);
  const lookup = await call('GET', `${gl.url}/api/invites/guess-two`, { headers: from(ip) });
  expect(lookup.body).toEqual({ valid: false, reason: 'unknown' });
  const register = await call('POST', `${gl.url}/api/register`, { body: { email: 'x@example.com', password: 'a fine password', invite_token: 'guess-three' }, headers: from(ip) });
  expect(register.body.error).toBe('invalid_invite');
  expect(await alertsFor(ip)).toHaveLength(1);

  // Past the limit every door answers 429 to another unknown token...
  expectTooMany(await call('GET', `${gl.url}/api/invites/guess-four`, { headers: from(ip) }), 15 * 60);
  expectTooMany(await call('POST', `${gl.url}/api/register`, { body: { email: 'x@example.com', password: 'a fine password', invite_token: 'guess-five' }, headers: from(ip) }), 15 * 60);
  const page = await fetch(`${gl.url}/invite/guess-six`, { headers: { ...from(ip), Accept: 'text/html' }, redirect: 'manual' });
  expect(page.status).toBe(429);
  expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await page.text()).toContain(TOO_MANY);
  // ...but a valid link still opens from the blocked address (it cannot be guessed; people share NATs).
  expect((await call('GET', `${gl.url}/api/invites/${valid.token}`, { headers: from(ip) })).body.valid).toBe(true);
  const validLink = await fetch(valid.url, { headers: { ...from(ip), Accept: 'text/html' }, redirect: 'manual' });
  expect(validLink.status).toBe(303);

  // Another address is not affected.
  expect((await call('GET', `${gl.url}/api/invites/${valid.token}`, { headers: from('198.51.100.2') })).body.valid).toBe(true);

  const alerts = await alertsFor(ip);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ actor: 'anonymous', reason: 'invite_failure_limit', data: { kind: 'invite_failure', count: 3, limit: 3, window_seconds: 900 } });
  expect(alerts[0]!.requestId).toBeTruthy();

  // The window ends: the address may try again, and a new crossing raises a new alert.
  gl.clock.advance(16 * MINUTE);
  expect((await call('GET', `${gl.url}/api/invites/${valid.token}`, { headers: from(ip) })).body.valid).toBe(true);
  for (const guess of ['a', 'b', 'c']) await call('GET', `${gl.url}/api/invites/guess-${guess}`, { headers: from(ip) });
  expectTooMany(await call('GET', `${gl.url}/api/invites/guess-d`, { headers: from(ip) }), 15 * 60);
  expect(await alertsFor(ip)).toHaveLength(2);
});

test('/api/register attempts per address: the attempt past the limit is 429, with one alert carrying the count', async () => {
  const ip = '198.51.100.10';
  for (let i = 0; i < 4; i++) {
    const result = await call('POST', `${gl.url}/api/register`, { body: { email: `r${i}@example.com`, password: 'a fine password' }, headers: from(ip) });
    expect(result.body.error).toBe('invite_required');
  }
  for (let i = 0; i < 3; i++) {
    expectTooMany(await call('POST', `${gl.url}/api/register`, { body: { email: 'late@example.com', password: 'a fine password' }, headers: from(ip) }), 15 * 60);
  }
  const alerts = await alertsFor(ip);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ reason: 'registration_limit', data: { kind: 'registration', count: 5, limit: 4 } });
  // Refused attempts changed nothing.
  expect(await gl.store.accounts.findByEmail('late@example.com')).toBeNull();
});

test('/api/invites/{token} lookups per address, valid tokens included', async () => {
  const ip = '198.51.100.20';
  const invite = await createInvite(gl, {});
  for (let i = 0; i < 5; i++) expect((await call('GET', `${gl.url}/api/invites/${invite.token}`, { headers: from(ip) })).body.valid).toBe(true);
  expectTooMany(await call('GET', `${gl.url}/api/invites/${invite.token}`, { headers: from(ip) }), 15 * 60);
  expectTooMany(await call('GET', `${gl.url}/api/invites/${invite.token}`, { headers: from(ip) }), 15 * 60);
  const alerts = await alertsFor(ip);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ reason: 'invite_lookup_limit', data: { kind: 'invite_lookup', count: 6, limit: 5 } });
});

test('verification codes: the limiter API the verification step calls', async () => {
  const limiter = gl.guestlist.services.limiter;
  const meta = { ip: '198.51.100.30', userAgent: 'codes', requestId: 'req-codes' };
  // A right code gives its place back: it never counts.
  await (await limiter.take('code_failure', meta.ip, meta)).giveBack();
  await limiter.check('code_failure', meta.ip);
  await (await limiter.take('code_failure', meta.ip, meta)).failed();
  await limiter.check('code_failure', meta.ip);
  await (await limiter.take('code_failure', meta.ip, meta)).failed();
  const refused = await limiter.take('code_failure', meta.ip, meta).then(() => null, (error: unknown) => error);
  expect(refused).toBeInstanceOf(AppError);
  expect(refused).toMatchObject({ status: 429, code: 'too_many_requests' });
  expect(Number((refused as AppError).headers['Retry-After'])).toBe(15 * 60);
  await expect(limiter.check('code_failure', meta.ip)).rejects.toMatchObject({ status: 429 });
  const alerts = await alertsFor(meta.ip);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ reason: 'code_failure_limit', requestId: 'req-codes', data: { kind: 'code_failure', count: 2, limit: 2 } });
  gl.clock.advance(15 * MINUTE);
  await expect(limiter.check('code_failure', meta.ip)).resolves.toBeUndefined();
  await expect(limiter.take('code_failure', meta.ip, meta)).resolves.toBeDefined();
});

function signInPage(browser: FormClient) {
  return browser.get(`${gl.url}/auth?client_id=guestlist-account&response_type=none&scope=openid&redirect_uri=${encodeURIComponent(`${gl.url}/account/welcome`)}`);
}

test('login failures lock the account at this address, growing from one minute to two, and each lockout ends', async () => {
  const invite = await createInvite(gl, { email: 'locked@example.com' });
  await call('POST', `${gl.url}/api/register`, { body: { email: 'locked@example.com', password: 'the right password', invite_token: invite.token }, headers: from('198.51.100.40') });
  const browser = new FormClient();
  let page = await signInPage(browser);
  for (let i = 0; i < 3; i++) {
    page = await browser.submit(page, '/login', { email: 'locked@example.com', password: `wrong ${i}` });
    expect(page.status).toBe(401);
  }
  // Locked: even the right password is refused, with a plain message on the form.
  page = await browser.submit(page, '/login', { email: 'locked@example.com', password: 'the right password' });
  expect(page.status).toBe(429);
  expect(textOf(page.html, 'form-error')).toBe(TOO_MANY);
  const signIn = gl.guestlist.services.signIn;
  const here = { ip: '127.0.0.1', userAgent: null, requestId: null };
  await expect(signIn.signIn('locked@example.com', 'the right password', here)).rejects.toMatchObject({ status: 429, headers: { 'Retry-After': '60' } });
  // Per account and address: the owner elsewhere is not locked out.
  await expect(signIn.signIn('locked@example.com', 'the right password', { ...here, ip: '203.0.113.5' })).resolves.toMatchObject({ email: 'locked@example.com' });

  // The first lockout ends after its minute; three more failures lock for two minutes.
  gl.clock.advance(MINUTE + 1000);
  for (let i = 0; i < 3; i++) await expect(signIn.signIn('locked@example.com', 'still wrong', here)).rejects.toMatchObject({ status: 401 });
  await expect(signIn.signIn('locked@example.com', 'the right password', here)).rejects.toMatchObject({ status: 429, headers: { 'Retry-After': '120' } });
  gl.clock.advance(MINUTE);
  await expect(signIn.signIn('locked@example.com', 'the right password', here)).rejects.toMatchObject({ status: 429, headers: { 'Retry-After': '60' } });
  gl.clock.advance(MINUTE);
  await expect(signIn.signIn('locked@example.com', 'the right password', here)).resolves.toMatchObject({ email: 'locked@example.com' });

  // A success forgets the history: the next lockout is back to one minute.
  for (let i = 0; i < 3; i++) await expect(signIn.signIn('locked@example.com', 'wrong again', here)).rejects.toMatchObject({ status: 401 });
  await expect(signIn.signIn('locked@example.com', 'the right password', here)).rejects.toMatchObject({ status: 429, headers: { 'Retry-After': '60' } });

  // Three lockouts within one window: one alert for this account and address.
  const alerts = (await alertsFor('127.0.0.1')).filter((e) => e.reason === 'login_failure_limit');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]!.data).toMatchObject({ kind: 'login_failure', count: 3, lockouts: 1, lockout_seconds: 60 });
});

test('a judgement that never ends (the process died mid-hash) costs one lockout\'s wait, not the 12-hour memory', async () => {
  const limiter = gl.guestlist.services.limiter;
  const meta = { ip: '198.51.100.45', userAgent: null, requestId: null };
  const subject = 'stuck-subject@198.51.100.45';
  const places = [await limiter.take('login_failure', subject, meta), await limiter.take('login_failure', subject, meta)];
  await places[0]!.failed();
  await places[1]!.failed();
  // The third place is taken and never settled.
  await limiter.take('login_failure', subject, meta);
  const refused = await limiter.take('login_failure', subject, meta).then(() => null, (error: unknown) => error);
  expect(refused).toMatchObject({ status: 429, headers: { 'Retry-After': '60' } });
  await expect(limiter.take('login_failure', subject, meta)).rejects.toMatchObject({ status: 429 });
  gl.clock.advance(MINUTE);
  await expect(limiter.take('login_failure', subject, meta)).resolves.toBeDefined();
});

test('unknown emails lock the same way, so a lockout does not reveal whether an account exists', async () => {
  const signIn = gl.guestlist.services.signIn;
  const meta = { ip: '198.51.100.50', userAgent: null, requestId: null };
  for (let i = 0; i < 3; i++) await expect(signIn.signIn('nobody-here@example.com', 'whatever', meta)).rejects.toMatchObject({ status: 401 });
  await expect(signIn.signIn('nobody-here@example.com', 'whatever', meta)).rejects.toMatchObject({ status: 429 });
});

test('the hosted sign-up page shows the plain message past the sign-up limit', async () => {
  const browser = new FormClient();
  let page = await browser.get(`${gl.url}/auth?client_id=guestlist-account&response_type=none&scope=openid&prompt=create&redirect_uri=${encodeURIComponent(`${gl.url}/account/welcome`)}`);
  expect(page.html).toContain('Create your account');
  for (let i = 0; i < 4; i++) {
    page = await browser.submit(page, '/register', { email: `form${i}@example.com`, password: 'a fine password', invite_token: '' });
    expect(page.status).toBe(403);
  }
  page = await browser.submit(page, '/register', { email: 'form9@example.com', password: 'a fine password', invite_token: '' });
  expect(page.status).toBe(429);
  expect(textOf(page.html, 'form-error')).toBe(TOO_MANY);
});

test('behind the trusted proxy the address is the one the proxy appended, not what the client prepended', async () => {
  const forged = await call('GET', `${gl.url}/api/invites/guess-forged`, { headers: { 'X-Forwarded-For': '192.0.2.250, 198.51.100.77' } });
  expect(forged.status).toBe(200);
  const spoofed = (await gl.store.audit.query({ ip: '192.0.2.250' }, { limit: 10 })).items;
  expect(spoofed).toEqual([]);
  // Unknown tokens are counted per address: the count sits with the proxy-seen address.
  expect(await gl.store.rateLimits.peek('rl:count:invite_failure:198.51.100.77', gl.clock.now())).toMatchObject({ count: 1 });
  expect(await gl.store.rateLimits.peek('rl:count:invite_failure:192.0.2.250', gl.clock.now())).toMatchObject({ count: 0 });
});
