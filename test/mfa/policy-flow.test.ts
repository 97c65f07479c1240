// Who must have a second factor, over HTTP with a real relying party (openid-client): a required
// role's member gets no code for an app until they enrol; acr_values asking for MFA is honoured and
// max_age asks for a fresh sign-in; the ID token's amr and acr say how; an admin's reset is audited
// and told by email.
import { FormClient, findForm, textOf } from '../support/browser-form.ts';
import { adminToken, createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, isCallback, oidc, passConsent, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import type { MailMessage } from '../../src/mail/mail-transport.ts';
import { signUpMember } from '../member/member-session.ts';
import { backupCodesIn, codeAt, enrolTotpOnAccountPage, inputValue, signInWithPassword, tokensAt } from './mfa-session.ts';

let gl: RunningGuestlist;
let config: oidc.Configuration;
const sent: MailMessage[] = [];

beforeAll(async () => {
  gl = await startGuestlist({
    env: { CLIENTS_FILE: writeClientsFile(), MFA_REQUIRED_ROLES: 'admin' },
    extraDeps: { startWorkers: false, mailTransport: { send: async (message) => (sent.push(message), { messageId: String(sent.length) }) } },
  });
  config = await discover(gl.url);
});
afterAll(() => gl.stop());

const enrolmentPage = (html: string) => html.includes('/mfa/totp"') && html.includes('id="enrol-lead"');

/** Sign-up through the app with an invitation: the page right after the sign-up form. */
async function signUpThroughApp(email: string, invite: Record<string, unknown>) {
  const created = await createInvite(gl, { email, ...invite });
  const browser = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create', invite_token: created.token });
  const form = await browser.get(start.url.toString());
  const page = await browser.submit(form, '/register', { email, password: 'a good long password', invite_token: created.token }, isCallback);
  return { browser, start, page };
}

/** Enrols the authenticator app on the enrolment step, through the backup codes, on to the app. */
async function enrolOnTheStep(browser: FormClient, page: { url: string; html: string; status: number }) {
  const secret = inputValue(page.html, 'totp-secret')!;
  const codesStep = await browser.submit(page, '/mfa/totp', { code: codeAt(gl, secret) });
  expect(codesStep.url).toMatch(/\/mfa\/backup-codes$/);
  const shown = await browser.submit(codesStep, '/mfa/backup-codes', {});
  expect(backupCodesIn(shown.html)).toHaveLength(10);
  return { secret, next: await browser.submit(shown, '/mfa/done', {}, isCallback) };
}

test('discovery lists the acr values; the ID token of a password sign-in says pwd and single-factor', async () => {
  const discovery = (await getJson(`${gl.url}/.well-known/openid-configuration`)).body;
  expect(discovery.acr_values_supported).toEqual(['urn:guestlist:mfa', 'urn:guestlist:sfa']);
  expect(discovery.claims_supported).toEqual(expect.arrayContaining(['amr', 'acr', 'auth_time']));
  const member = await signUpMember(gl, 'plain@example.com');
  expect(member.tokens.claims()).toMatchObject({ amr: ['pwd'], acr: 'urn:guestlist:sfa' });
});

test('a member of a required role gets no code for an app until they enrol; then amr says pwd, otp, mfa', async () => {
  const { browser, page } = await signUpThroughApp('root@example.com', { roles: ['admin'] });
  expect(page.status).toBe(200);
  expect(enrolmentPage(page.html)).toBe(true);
  expect(textOf(page.html, 'enrol-lead')).toContain('must have a second factor');
  // No way around it: no skip, and a new authorization request comes back to the same step.
  expect(page.html).not.toContain('/mfa/skip');
  const csrf = findForm(page.html, '/mfa/totp').hidden._csrf!;
  const skip = await browser.request(`${page.url}/mfa/skip`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf }).toString() });
  expect(skip.status).toBe(400);
  const again = await startAuthorization(config);
  const retried = await browser.get(again.url.toString(), isCallback);
  expect(isCallback(retried.url)).toBe(false);
  expect(enrolmentPage(retried.html)).toBe(true);
  const { next } = await enrolOnTheStep(browser, retried);
  const callback = await passConsent(browser, next);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url), { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce });
  expect(tokens.claims()).toMatchObject({ email: 'root@example.com', roles: ['admin'], amr: ['pwd', 'otp', 'mfa'], acr: 'urn:guestlist:mfa' });
});

test('an invitation with metadata.mfa "required" makes its member enrol too; the others only get an offer', async () => {
  const required = await signUpThroughApp('strict@example.com', { metadata: { mfa: 'required' } });
  expect(enrolmentPage(required.page.html)).toBe(true);
  expect(required.page.html).not.toContain('/mfa/skip');
  const offered = await signUpThroughApp('relaxed@example.com', {});
  expect(enrolmentPage(offered.page.html)).toBe(true);
  expect(offered.page.html).toContain('/mfa/skip');
  const { claims } = await tokensAt(config, offered.browser, offered.page, offered.start);
  expect(claims.amr).toEqual(['pwd']);
});

test('acr_values asking for MFA makes a member without a factor enrol, and is then met', async () => {
  const member = await signUpMember(gl, 'asked@example.com');
  const start = await startAuthorization(config, { acr_values: 'urn:guestlist:mfa' });
  const page = await member.browser.get(start.url.toString(), isCallback);
  expect(enrolmentPage(page.html)).toBe(true);
  expect(page.html).not.toContain('/mfa/skip');
  const { next } = await enrolOnTheStep(member.browser, page);
  const callback = await passConsent(member.browser, next);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
  expect(tokens.claims()).toMatchObject({ acr: 'urn:guestlist:mfa', amr: ['pwd', 'otp', 'mfa'] });
  // Without acr_values the same session answers at once: it has two factors now.
  const plain = await startAuthorization(config);
  expect(isCallback((await member.browser.get(plain.url.toString(), isCallback)).url)).toBe(true);
});

test('max_age=0 asks for the password (and the code) again; auth_time is in the ID token and checked', async () => {
  const member = await signUpMember(gl, 'fresh@example.com');
  const { secret } = await enrolTotpOnAccountPage(gl, member.browser);
  gl.clock.advance(90_000);
  const { browser, start, page } = await signInWithPassword(config, 'fresh@example.com', member.password, { max_age: '0' }, member.browser);
  expect(page.html).toContain('/mfa"');
  const callback = await passConsent(browser, await browser.submit(page, '/mfa', { code: codeAt(gl, secret) }, isCallback));
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce, maxAge: 0 });
  const claims = tokens.claims()!;
  expect(typeof claims.auth_time).toBe('number');
  expect(Math.abs(claims.auth_time! - Date.now() / 1000)).toBeLessThan(60);
  expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
});

test('an admin resets a member\'s factors: 204, audited, told by email; the next sign-in asks for the password alone', async () => {
  const admin = await adminToken(gl);
  const member = await signUpMember(gl, 'lost.phone@example.com');
  await enrolTotpOnAccountPage(gl, member.browser);
  expect((await signInWithPassword(config, 'lost.phone@example.com', member.password)).page.html).toContain('/mfa"');
  expect((await postJson(`${gl.url}/admin/users/${member.sub}/mfa/reset`, {}, admin)).status).toBe(204);
  expect((await postJson(`${gl.url}/admin/users/00000000-0000-0000-0000-000000000000/mfa/reset`, {}, admin)).body).toMatchObject({ error: 'not_found' });
  expect((await postJson(`${gl.url}/admin/users/${member.sub}/mfa/reset`, {}, member.tokens.access_token)).status).toBe(403);
  const events = (await gl.store.audit.query({ type: 'mfa.reset_by_admin', accountId: member.sub }, { limit: 5 })).items;
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actor: gl.adminClientId, data: { passkeys: 0, totp: true, backup_codes: 10 } });
  await gl.guestlist.services.mail.drain();
  const told = sent.find((message) => message.to === 'lost.phone@example.com' && message.subject.includes('second factors'));
  expect(told?.subject).toBe('Your Guestlist second factors were reset');
  expect(told?.text).toContain('An administrator of Guestlist removed the passkeys, authenticator app and backup codes');
  const after = await signInWithPassword(config, 'lost.phone@example.com', member.password);
  expect(after.page.html).not.toContain('/mfa"');
  expect(await gl.store.mfa.countBackupCodes(member.sub)).toBe(0);
});

test('deleting a user removes their factors too', async () => {
  const admin = await adminToken(gl);
  const member = await signUpMember(gl, 'leaving@example.com');
  await enrolTotpOnAccountPage(gl, member.browser);
  const response = await fetch(`${gl.url}/admin/users/${member.sub}`, { method: 'DELETE', headers: { Authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(204);
  expect(await gl.store.mfa.findTotp(member.sub)).toBeNull();
  expect(await gl.store.mfa.countBackupCodes(member.sub)).toBe(0);
});
