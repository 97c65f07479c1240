// /account/security over HTTP: the member's factors listed; changes only within ten minutes of
// signing in; the last factor refused when the account must keep one; backup codes made anew.
import { FormClient, decodeEntities, textOf } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, isCallback, passConsent, startAuthorization, writeClientsFile, type oidc } from '../support/relying-party.ts';
import { signUpMember } from '../member/member-session.ts';
import { backupCodesIn, codeAt, enrolTotpOnAccountPage, inputValue } from './mfa-session.ts';
import { runCeremony } from './passkey-http.ts';
import { createSoftAuthenticator } from '../support/soft-authenticator.ts';

let gl: RunningGuestlist;
let config: oidc.Configuration;

beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile(), MFA_REQUIRED_ROLES: 'admin' }, extraDeps: { startWorkers: false } });
  config = await discover(gl.url);
});
afterAll(() => gl.stop());

const MINUTE = 60_000;

test('signed out, the page offers a sign-in that comes back to it', async () => {
  const page = await new FormClient().get(`${gl.url}/account/security`);
  expect(page.status).toBe(200);
  expect(page.html).toContain('id="signed-out"');
  const signIn = new URL(decodeEntities(/<a[^>]*href="([^"]+)"[^>]*id="account-sign-in"/.exec(page.html)![1]!));
  expect(signIn.searchParams.get('redirect_uri')).toBe(`${gl.url}/account/security`);
});

test('lists the factors; removing the authenticator app takes its backup codes along; changes need a recent sign-in', async () => {
  const member = await signUpMember(gl, 'keeper@example.com');
  const { codes } = await enrolTotpOnAccountPage(gl, member.browser);
  let page = await member.browser.get(`${gl.url}/account/security`);
  expect(textOf(page.html, 'totp-status')).toMatch(/^On since /);
  expect(textOf(page.html, 'backup-codes-left')).toBe('10 of 10 backup codes left.');

  // New codes replace the old ones, shown once in the answer.
  const renewed = await member.browser.submit(page, '/account/security/backup-codes', {});
  const fresh = backupCodesIn(renewed.html);
  expect(fresh).toHaveLength(10);
  expect(fresh.filter((code) => codes.includes(code))).toEqual([]);

  // Eleven minutes later the same session may look, but not change: a form loaded earlier is refused.
  const loadedEarlier = await member.browser.get(`${gl.url}/account/security`);
  gl.clock.advance(11 * MINUTE);
  page = await member.browser.get(`${gl.url}/account/security`);
  expect(page.html).toContain('id="confirm-sign-in"');
  expect(page.html).not.toContain('/account/security/totp/remove');
  const confirm = new URL(decodeEntities(/<a[^>]*href="([^"]+)"[^>]*id="confirm-sign-in"/.exec(page.html)![1]!));
  expect(confirm.searchParams.get('prompt')).toBe('login');
  expect(confirm.searchParams.get('redirect_uri')).toBe(`${gl.url}/account/security`);
  const stale = await member.browser.submit(loadedEarlier, '/account/security/totp/remove', {});
  expect(stale.status).toBe(403);
  expect(textOf(stale.html, 'form-error')).toBe('For your security, sign in again before changing how you sign in.');
  expect(await gl.store.mfa.findTotp(member.sub)).not.toBeNull();
  // The provider's sessions keep real time: the app's clock goes back for the tests after this one.
  gl.clock.advance(-11 * MINUTE);
});

test('/account shows the factors at a glance, and links to where they change', async () => {
  const member = await signUpMember(gl, 'glance@example.com');
  const summary = async () => {
    const page = await member.browser.get(`${gl.url}/account`);
    expect(page.html).toContain('href="/account/security" id="security-link"');
    return { passkeys: textOf(page.html, 'summary-passkeys'), totp: textOf(page.html, 'summary-totp'), codes: textOf(page.html, 'summary-backup-codes') };
  };
  expect(await summary()).toEqual({ passkeys: 'No passkeys yet.', totp: 'Not set up.', codes: 'No backup codes.' });
  await enrolTotpOnAccountPage(gl, member.browser);
  const security = await member.browser.get(`${gl.url}/account/security`);
  const { finish } = await runCeremony(member.browser, security, 'register', createSoftAuthenticator(gl.url), { name: 'Work laptop' });
  expect(finish?.status).toBe(200);
  expect(await summary()).toEqual({ passkeys: 'Work laptop', totp: 'On.', codes: '10 of 10 backup codes left.' });
});

test('an optional member removes their only factor (its backup codes go too); a required one may not', async () => {
  const optional = await signUpMember(gl, 'free@example.com');
  await enrolTotpOnAccountPage(gl, optional.browser);
  const removed = await optional.browser.submit(await optional.browser.get(`${gl.url}/account/security`), '/account/security/totp/remove', {});
  expect(textOf(removed.html, 'security-notice')).toBe('The authenticator app was removed.');
  expect(await gl.store.mfa.countBackupCodes(optional.sub)).toBe(0);

  // An admin-role member enrols on the sign-up's required step, then tries to remove it.
  const invite = await createInvite(gl, { email: 'boss@example.com', roles: ['admin'] });
  const browser = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token });
  const enrol = await browser.submit(await browser.get(start.url.toString()), '/register', { email: 'boss@example.com', password: 'a good long password', invite_token: invite.token });
  const codesStep = await browser.submit(enrol, '/mfa/totp', { code: codeAt(gl, inputValue(enrol.html, 'totp-secret')!) });
  await passConsent(browser, await browser.submit(codesStep, '/mfa/done', {}, isCallback));
  const page = await browser.get(`${gl.url}/account/security`);
  expect(textOf(page.html, 'factor-required')).toBe('Your account must keep at least one second factor.');
  const refused = await browser.submit(page, '/account/security/totp/remove', {});
  expect(refused.status).toBe(409);
  expect(textOf(refused.html, 'form-error')).toContain('This is your last way to sign in with a second factor');
});

test('with second factors off, /account/security says so and its changes are not there', async () => {
  const off = await startGuestlist({ env: { MFA: 'off' }, extraDeps: { startWorkers: false } });
  try {
    const page = await new FormClient().get(`${off.url}/account/security`);
    expect(page.status).toBe(200);
    expect(textOf(page.html, 'security-off')).toBe('Passkeys and second factors are turned off here.');
    expect((await new FormClient().get(`${off.url}/account/security/totp`)).status).toBe(404);
    const discovery = await (await fetch(`${off.url}/.well-known/openid-configuration`)).json();
    // Only the single-factor level can be given, so only it is advertised.
    expect(discovery.acr_values_supported).toEqual(['urn:guestlist:sfa']);
  } finally {
    await off.stop();
  }
});
