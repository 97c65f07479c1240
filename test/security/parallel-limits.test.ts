// Limits under parallel load: each limit is taken before the slow work it protects, so a burst
// gets exactly the limit's judgements and the rest 429 with Retry-After; wrong passwords are
// also limited per address across accounts; every invitation-token check counts, the hosted
// sign-up form's re-renders included.
import { FormClient, textOf, type Page } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { call } from '../audit/http.ts';
import { startSmsReceiver, textedCodes, wrongCode, type SmsReceiver } from '../signup/support.ts';
import { overTheNetwork } from '../support/networked-store.ts';
import type { AuditEvent } from '../../src/store/ports.ts';

const MINUTE = 60_000;
const TOO_MANY = 'Too many attempts. Wait a moment, then try again.';
const PASSWORD = 'the right password';

/** Requests from a chosen address: trust_proxy is on, so X-Forwarded-For decides. */
const from = (ip: string) => ({ 'X-Forwarded-For': ip });
const meta = (ip: string) => ({ ip, userAgent: 'jest', requestId: null });

async function alertsFor(gl: RunningGuestlist, ip: string, reason: string): Promise<AuditEvent[]> {
  return (await gl.store.audit.query({ type: 'security.alert', ip }, { limit: 100 })).items.filter((event) => event.reason === reason);
}

function retryAfterOf(headers: Headers | Record<string, string> | undefined): number {
  const value = headers instanceof Headers ? headers.get('retry-after') : headers?.['Retry-After'];
  return Number(value);
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

describe('passwords and invitation tokens', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({
      ...overTheNetwork(),
      env: {
        TRUST_PROXY: 'true',
        RATE_LIMIT_LOGIN_FAILURES: '5',
        RATE_LIMIT_INVITE_FAILURES: '5',
        RATE_LIMIT_INVITE_LOOKUPS: '1000',
        RATE_LIMIT_REGISTRATIONS: '1000',
      },
      extraDeps: { startWorkers: false },
    });
  });
  afterAll(() => gl.stop());

  async function registered(email: string): Promise<string> {
    const invite = await createInvite(gl, { email });
    const created = await call('POST', `${gl.url}/api/register`, { body: { email, password: PASSWORD, invite_token: invite.token }, headers: from('192.0.2.200') });
    expect(created.status).toBe(201);
    return created.body.sub as string;
  }

  function signInPage(browser: FormClient): Promise<Page> {
    return browser.get(`${gl.url}/auth?client_id=guestlist-account&response_type=none&scope=openid&redirect_uri=${encodeURIComponent(`${gl.url}/account/welcome`)}`);
  }

  test('a parallel burst of 30 wrong passwords for one account from one address gets exactly 5 judgements; the rest are 429 with Retry-After', async () => {
    const sub = await registered('burst@example.com');
    const browser = new FormClient();
    const page = await signInPage(browser);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => browser.submit(page, '/login', { email: 'burst@example.com', password: `wrong guess ${i}` })));
    expect(tally(answers.map((answer) => answer.status))).toEqual({ 401: 5, 429: 25 });
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(textOf(refused.html, 'form-error')).toBe(TOO_MANY);
      expect(retryAfterOf(refused.headers)).toBeGreaterThan(0);
      expect(retryAfterOf(refused.headers)).toBeLessThanOrEqual(60);
    }
    // Exactly five passwords were judged, and the fifth wrong one locked the account here.
    expect((await gl.store.audit.query({ type: 'login.failed', accountId: sub }, { limit: 100 })).items).toHaveLength(5);
    const signIn = gl.guestlist.services.signIn;
    const refused = await signIn.signIn('burst@example.com', PASSWORD, meta('127.0.0.1')).then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect(retryAfterOf((refused as { headers: Record<string, string> }).headers)).toBeLessThanOrEqual(60);
    const alerts = await alertsFor(gl, '127.0.0.1', 'login_failure_limit');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data).toMatchObject({ kind: 'login_failure', count: 5, lockouts: 1, lockout_seconds: 60 });
    // The lockout ends as before, and the right password then signs in.
    gl.clock.advance(MINUTE + 1000);
    await expect(signIn.signIn('burst@example.com', PASSWORD, meta('127.0.0.1'))).resolves.toMatchObject({ id: sub });
  });

  test('wrong passwords for 40 different accounts from one address meet the per-address limit: exactly 20 judged, the rest 429', async () => {
    const signIn = gl.guestlist.services.signIn;
    const ip = '198.51.100.60';
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn.signIn(`sprayed-${i}@example.com`, 'Summer2024!', meta(ip)).then(() => ({ status: 200, headers: {} }), (error: { status: number; headers: Record<string, string> }) => error)),
    );
    expect(tally(outcomes.map((outcome) => outcome.status))).toEqual({ 401: 20, 429: 20 });
    for (const outcome of outcomes.filter((o) => o.status === 429)) {
      expect(retryAfterOf(outcome.headers)).toBeGreaterThan(0);
      expect(retryAfterOf(outcome.headers)).toBeLessThanOrEqual(15 * 60);
    }
    expect((await gl.store.audit.query({ type: 'login.failed', ip }, { limit: 100 })).items).toHaveLength(20);
    const alerts = await alertsFor(gl, ip, 'address_login_failure_limit');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data).toMatchObject({ kind: 'address_login_failure', limit: 20, window_seconds: 900 });
    // Another address is not affected; this one may try again once the window ends.
    await expect(signIn.signIn('sprayed-0@example.com', 'Summer2024!', meta('198.51.100.61'))).rejects.toMatchObject({ status: 401 });
    await expect(signIn.signIn('sprayed-41@example.com', 'Summer2024!', meta(ip))).rejects.toMatchObject({ status: 429 });
    gl.clock.advance(15 * MINUTE);
    await expect(signIn.signIn('sprayed-41@example.com', 'Summer2024!', meta(ip))).rejects.toMatchObject({ status: 401 });
  });

  test('a right password does not count against the address, nor does an attempt refused by an account lockout', async () => {
    await registered('owner@example.com');
    const signIn = gl.guestlist.services.signIn;
    const ip = '198.51.100.62';
    // Five wrong passwords lock one account here (five of the address's 20 places)...
    for (let i = 0; i < 5; i++) await expect(signIn.signIn('target@example.com', 'nope', meta(ip))).rejects.toMatchObject({ status: 401 });
    // ...and attempts refused by that lockout take none of the rest.
    for (let i = 0; i < 5; i++) await expect(signIn.signIn('target@example.com', 'nope', meta(ip))).rejects.toMatchObject({ status: 429 });
    for (let i = 0; i < 14; i++) await expect(signIn.signIn(`other-${i}@example.com`, 'nope', meta(ip))).rejects.toMatchObject({ status: 401 });
    // 19 of 20 taken: right passwords pass and give their place back, however many.
    for (let i = 0; i < 3; i++) await expect(signIn.signIn('owner@example.com', PASSWORD, meta(ip))).resolves.toMatchObject({ email: 'owner@example.com' });
    await expect(signIn.signIn('other-x@example.com', 'nope', meta(ip))).rejects.toMatchObject({ status: 401 });
    await expect(signIn.signIn('other-y@example.com', 'nope', meta(ip))).rejects.toMatchObject({ status: 429 });
    await expect(signIn.signIn('owner@example.com', PASSWORD, meta(ip))).rejects.toMatchObject({ status: 429 });
  });

  test('a parallel burst of 30 unknown invitation tokens from one address gets exactly 5 answers; the rest are 429', async () => {
    const ip = '198.51.100.70';
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => call('GET', `${gl.url}/api/invites/guess-${i}`, { headers: from(ip) })));
    expect(tally(answers.map((answer) => answer.status))).toEqual({ 200: 5, 429: 25 });
    expect(answers.filter((answer) => answer.status === 200).every((answer) => answer.body.reason === 'unknown')).toBe(true);
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.body.error).toBe('too_many_requests');
      expect(retryAfterOf(refused.headers)).toBeGreaterThan(0);
    }
    const alerts = await alertsFor(gl, ip, 'invite_failure_limit');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data).toMatchObject({ kind: 'invite_failure', limit: 5 });
  });

  test('a valid token checked from an address does not use up its places', async () => {
    const ip = '198.51.100.71';
    const invite = await createInvite(gl, {});
    for (let i = 0; i < 8; i++) expect((await call('GET', `${gl.url}/api/invites/${invite.token}`, { headers: from(ip) })).body.valid).toBe(true);
    for (let i = 0; i < 5; i++) expect((await call('GET', `${gl.url}/api/invites/guess-v${i}`, { headers: from(ip) })).body.reason).toBe('unknown');
    expect((await call('GET', `${gl.url}/api/invites/guess-v9`, { headers: from(ip) })).status).toBe(429);
  });

  test('the hosted sign-up form counts the token of every refused submission; a blocked address still has its valid link applied', async () => {
    // The form's requests come from 127.0.0.1; no other test here sends it invitation tokens.
    const valid = await createInvite(gl, { email: 'form-valid@example.com' });
    const browser = new FormClient();
    let page = await browser.get(`${gl.url}/auth?client_id=guestlist-account&response_type=none&scope=openid&prompt=create&redirect_uri=${encodeURIComponent(`${gl.url}/account/welcome`)}`);
    expect(page.html).toContain('Create your account');
    // A password too short fails validation before any sign-up: the page still checks the token it re-shows.
    for (let i = 0; i < 5; i++) {
      page = await browser.submit(page, '/register', { email: `form${i}@example.com`, password: 'short', invite_token: `unknown-token-${i}` });
      expect(page.status).toBe(400);
    }
    page = await browser.submit(page, '/register', { email: 'form9@example.com', password: 'short', invite_token: 'unknown-token-9' });
    expect(page.status).toBe(429);
    expect(textOf(page.html, 'form-error')).toBe(TOO_MANY);
    expect(retryAfterOf(page.headers)).toBeGreaterThan(0);
    // Blocked for guessing, yet a valid token (it cannot be guessed) is still applied on the form.
    page = await browser.submit(page, '/register', { email: 'form-valid@example.com', password: 'short', invite_token: valid.token });
    expect(page.status).toBe(400);
    expect(page.html).toContain('Your invitation is applied');
    const alerts = await alertsFor(gl, '127.0.0.1', 'invite_failure_limit');
    expect(alerts).toHaveLength(1);
    // Every refused submission is in the audit log, as any other sign-up attempt is.
    const failed = (await gl.store.audit.query({ type: 'registration.failed', ip: '127.0.0.1' }, { limit: 100 })).items;
    expect(failed.filter((event) => event.reason === 'invalid_request')).toHaveLength(7);
    expect(failed.every((event) => JSON.stringify(event.data) === '{"fields":["password"]}')).toBe(true);
  });
});

describe('verification codes', () => {
  let gl: RunningGuestlist;
  let sms: SmsReceiver;
  beforeAll(async () => {
    sms = await startSmsReceiver();
    gl = await startGuestlist({
      ...overTheNetwork(),
      env: {
        TRUST_PROXY: 'true',
        REQUIRE_PHONE_VERIFICATION: 'true',
        SMS_WEBHOOK_URL: sms.url,
        RATE_LIMIT_CODE_FAILURES: '8',
        RATE_LIMIT_REGISTRATIONS: '1000',
      },
      extraDeps: { startWorkers: false },
    });
  });
  afterAll(async () => {
    await gl.stop();
    await sms.close();
  });

  let phones = 0;
  async function pendingSignUp(ip: string): Promise<{ id: string; code: string }> {
    const invite = await createInvite(gl, {});
    const phone = `+1415555${String(2000 + phones++).padStart(4, '0')}`;
    const started = await call('POST', `${gl.url}/api/register`, { body: { email: `codes-${phones}@example.com`, password: PASSWORD, invite_token: invite.token, phone_number: phone }, headers: from(ip) });
    expect(started.status).toBe(202);
    return { id: started.body.verification_id as string, code: textedCodes(sms, phone).at(-1)! };
  }

  test('a parallel burst of wrong codes across sign-ups from one address gets exactly the per-address limit of judgements', async () => {
    const ip = '198.51.100.80';
    const pending = [await pendingSignUp(ip), await pendingSignUp(ip), await pendingSignUp(ip)];
    // Five per sign-up, so no sign-up's own lock comes into play: only the address limit (8) does.
    const burst = await Promise.all(
      pending.flatMap((p) => Array.from({ length: 5 }, () => call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: p.id, phone_code: wrongCode(p.code) }, headers: from('198.51.100.81') }))),
    );
    expect(tally(burst.map((answer) => answer.status))).toEqual({ 400: 8, 429: 7 });
    expect(burst.filter((answer) => answer.status === 400).every((answer) => answer.body.error === 'invalid_code')).toBe(true);
    for (const refused of burst.filter((answer) => answer.status === 429)) {
      expect(refused.body.error).toBe('too_many_requests');
      expect(retryAfterOf(refused.headers)).toBeGreaterThan(0);
    }
    expect(await alertsFor(gl, '198.51.100.81', 'code_failure_limit')).toHaveLength(1);
  });

  test('a parallel burst of wrong codes for one sign-up gets exactly five judgements, then the verification is locked', async () => {
    const p = await pendingSignUp('198.51.100.82');
    const burst = await Promise.all(Array.from({ length: 7 }, () => call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: p.id, phone_code: wrongCode(p.code) }, headers: from('198.51.100.83') })));
    expect(tally(burst.map((answer) => answer.status))).toEqual({ 400: 5, 429: 2 });
    expect(burst.filter((answer) => answer.status === 429).every((answer) => answer.body.error === 'verification_locked')).toBe(true);
    const right = await call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: p.id, phone_code: p.code }, headers: from('198.51.100.84') });
    expect(right.status).toBe(429);
    expect(right.body.error).toBe('verification_locked');
  });

  test('a right code gives its place back to the address', async () => {
    const ip = '198.51.100.85';
    const pending = await Promise.all(Array.from({ length: 9 }, () => pendingSignUp('198.51.100.86')));
    for (const p of pending.slice(0, 7)) expect((await call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: p.id, phone_code: wrongCode(p.code) }, headers: from(ip) })).status).toBe(400);
    for (const p of pending.slice(0, 3)) {
      expect((await call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: p.id, phone_code: p.code }, headers: from(ip) })).status).toBe(201);
    }
    expect((await call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: pending[7]!.id, phone_code: wrongCode(pending[7]!.code) }, headers: from(ip) })).status).toBe(400);
    expect((await call('POST', `${gl.url}/api/register/verify`, { body: { verification_id: pending[8]!.id, phone_code: wrongCode(pending[8]!.code) }, headers: from(ip) })).status).toBe(429);
  });
});
