// Authenticator-app codes over HTTP, with codes computed from the enrolled secret: set up on
// /account/security, then every password sign-in asks for a code; a code counts once, one step of
// drift either way is accepted and two are not; backup codes work once; wrong codes lock out.
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, isCallback, startAuthorization, writeClientsFile, type oidc } from '../support/relying-party.ts';
import { textOf } from '../support/browser-form.ts';
import { signUpMember } from '../member/member-session.ts';
import { codeAt, enrolTotpOnAccountPage, signInWithPassword, tokensAt } from './mfa-session.ts';

let gl: RunningGuestlist;
let config: oidc.Configuration;

beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false } });
  config = await discover(gl.url);
});
afterAll(() => gl.stop());

const STEP = 30_000;
/** Past the code step: at the app, or at its consent page (a new browser's session has no grant yet). */
const accepted = (page: { url: string; html: string }) => isCallback(page.url) || page.html.includes('/consent"');
const codeStep = (html: string) => html.includes('action="/interaction/') && html.includes('/mfa"');
const auditOf = async (type: string, accountId: string) => (await gl.store.audit.query({ type, accountId }, { limit: 50 })).items;

test('set up on /account/security; a sign-in then takes password and code, and the ID token says so', async () => {
  const member = await signUpMember(gl, 'tess@example.com');
  const { secret, codes, page } = await enrolTotpOnAccountPage(gl, member.browser);
  expect(page.status).toBe(200);
  expect(textOf(page.html, 'security-notice')).toBe('The authenticator app is on.');
  // The first factor comes with ten backup codes, shown in that answer only.
  expect(codes).toHaveLength(10);
  expect((await member.browser.get(`${gl.url}/account/security`)).html).not.toContain(codes[0]);
  expect(await auditOf('mfa.enrolled', member.sub)).toHaveLength(1);
  // The secret is stored sealed, never as it was shown.
  const stored = await gl.store.mfa.findTotp(member.sub);
  expect(stored?.sealedSecret).not.toContain(secret);

  gl.clock.advance(2 * STEP);
  const { browser, start, page: afterPassword } = await signInWithPassword(config, 'tess@example.com', member.password);
  expect(afterPassword.status).toBe(200);
  expect(codeStep(afterPassword.html)).toBe(true);
  // No session yet: the password alone opens nothing.
  expect((await browser.get(`${gl.url}/account/security`)).html).toContain('id="signed-out"');
  const done = await browser.submit(afterPassword, '/mfa', { code: codeAt(gl, secret) }, isCallback);
  const { claims } = await tokensAt(config, browser, done, start);
  expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect(claims.acr).toBe('urn:guestlist:mfa');
  expect((await auditOf('login.succeeded', member.sub))[0]?.data).toEqual({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:guestlist:mfa' });
});

test('a code counts once within its window; one step of drift either way is accepted, two are not', async () => {
  const member = await signUpMember(gl, 'drift@example.com');
  const { secret } = await enrolTotpOnAccountPage(gl, member.browser);
  const codeFor = async (offsetMs: number) => {
    const { browser, page } = await signInWithPassword(config, 'drift@example.com', member.password);
    expect(codeStep(page.html)).toBe(true);
    return browser.submit(page, '/mfa', { code: codeAt(gl, secret, offsetMs) }, isCallback);
  };

  gl.clock.advance(3 * STEP);
  expect(accepted(await codeFor(0))).toBe(true);
  // The same code again, still within its 30 seconds: refused, with the page's own message.
  const reused = await codeFor(0);
  expect(reused.status).toBe(400);
  expect(textOf(reused.html, 'form-error')).toBe('That code is not correct.');

  gl.clock.advance(3 * STEP);
  expect(accepted(await codeFor(-STEP))).toBe(true);
  gl.clock.advance(3 * STEP);
  expect(accepted(await codeFor(+STEP))).toBe(true);
  gl.clock.advance(3 * STEP);
  expect((await codeFor(-2 * STEP)).status).toBe(400);
  expect((await codeFor(+2 * STEP)).status).toBe(400);
  expect(accepted(await codeFor(0))).toBe(true);
  expect(await auditOf('mfa.challenge_failed', member.sub)).toHaveLength(3);
});

test('a backup code signs in once, as a one-time code', async () => {
  const member = await signUpMember(gl, 'backup@example.com');
  const { codes } = await enrolTotpOnAccountPage(gl, member.browser);
  const first = await signInWithPassword(config, 'backup@example.com', member.password);
  const done = await first.browser.submit(first.page, '/mfa', { code: codes[3]!.toUpperCase() }, isCallback);
  expect((await tokensAt(config, first.browser, done, first.start)).claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect((await auditOf('backup_code.used', member.sub))[0]?.data).toEqual({ left: 9 });
  const again = await signInWithPassword(config, 'backup@example.com', member.password);
  const refused = await again.browser.submit(again.page, '/mfa', { code: codes[3]! });
  expect(refused.status).toBe(400);
});

test('wrong codes count against the sign-in lockout, and a right password in between does not forget them', async () => {
  const member = await signUpMember(gl, 'locked@example.com');
  const { secret } = await enrolTotpOnAccountPage(gl, member.browser);
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
  let attempt = await signInWithPassword(config, 'locked@example.com', member.password);
  for (let i = 0; i < 3; i++) attempt.page = await attempt.browser.submit(attempt.page, '/mfa', { code: wrong(codeAt(gl, secret)) });
  expect(attempt.page.status).toBe(400);
  // Knowing the password again buys no new guesses.
  attempt = await signInWithPassword(config, 'locked@example.com', member.password);
  expect(codeStep(attempt.page.html)).toBe(true);
  for (let i = 0; i < 2; i++) attempt.page = await attempt.browser.submit(attempt.page, '/mfa', { code: wrong(codeAt(gl, secret)) });
  const locked = await attempt.browser.submit(attempt.page, '/mfa', { code: codeAt(gl, secret) });
  expect(locked.status).toBe(429);
  expect(Number(locked.headers?.get('retry-after'))).toBeGreaterThan(0);
  // The lockout is the password's too: the right password is refused until it ends.
  const blocked = await signInWithPassword(config, 'locked@example.com', member.password);
  expect(blocked.page.status).toBe(429);
});

test('a session made before the factor was added is asked for it before the next app gets a code', async () => {
  const member = await signUpMember(gl, 'later@example.com');
  const { secret } = await enrolTotpOnAccountPage(gl, member.browser);
  gl.clock.advance(2 * STEP);
  const start = await startAuthorization(config);
  const page = await member.browser.get(start.url.toString(), isCallback);
  expect(isCallback(page.url)).toBe(false);
  expect(codeStep(page.html)).toBe(true);
  const done = await member.browser.submit(page, '/mfa', { code: codeAt(gl, secret) }, isCallback);
  const { claims } = await tokensAt(config, member.browser, done, start);
  expect(claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:guestlist:mfa' });
});
