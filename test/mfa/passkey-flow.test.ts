// Passkeys over HTTP with a software authenticator, as the pages' script drives them: a passkey-only
// sign-up goes through the same admission gate, redemption and audit as a password sign-up (and is
// refused the same way); a passwordless sign-in; a passkey as the second factor; a challenge used once.
import { FormClient, textOf } from '../support/browser-form.ts';
import { adminToken, createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, isCallback, passConsent, startAuthorization, writeClientsFile, type oidc } from '../support/relying-party.ts';
import { createSoftAuthenticator } from '../support/soft-authenticator.ts';
import { signUpMember } from '../member/member-session.ts';
import { ceremonyOn, postJsonAs, runCeremony } from './passkey-http.ts';
import { enrolTotpOnAccountPage, signInWithPassword, tokensAt } from './mfa-session.ts';

let gl: RunningGuestlist;
let config: oidc.Configuration;

beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false } });
  config = await discover(gl.url);
});
afterAll(() => gl.stop());

const eventsOf = async (filter: { type?: string; inviteId?: string; accountId?: string }) => (await gl.store.audit.query(filter, { limit: 50 })).items;

async function signUpPage(inviteToken: string) {
  const browser = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create', invite_token: inviteToken });
  return { browser, start, page: await browser.get(start.url.toString()) };
}

test('a passkey-only sign-up redeems the invitation in the same step and audit as a password sign-up', async () => {
  const invite = await createInvite(gl, { email: 'kim@example.com', roles: ['beta'] });
  const authenticator = createSoftAuthenticator(gl.url);
  const { browser, start, page } = await signUpPage(invite.token);
  const { finish } = await runCeremony(browser, page, 'sign-up', authenticator, { email: 'kim@example.com', invite_token: invite.token });
  expect(finish?.status).toBe(200);
  expect(finish?.body.location).toMatch(/\/mfa\/backup-codes$/);
  const codes = await browser.get(new URL(finish!.body.location, gl.url).toString());
  const done = await browser.submit(codes, '/mfa/done', {}, isCallback);
  const { claims } = await tokensAt(config, browser, done, start);
  expect(claims).toMatchObject({ email: 'kim@example.com', email_verified: true, roles: ['beta'], amr: ['hwk', 'mfa'], acr: 'urn:guestlist:mfa' });
  const account = (await gl.store.accounts.findById(claims.sub))!;
  expect(account.passwordHash).toBeNull();
  expect((await gl.store.invites.findById(invite.id))?.uses).toBe(1);
  expect((await gl.store.invites.listRedemptions(invite.id)).map((r) => r.accountId)).toEqual([account.id]);
  const types = (await eventsOf({ inviteId: invite.id })).map((event) => event.type);
  expect(types).toEqual(expect.arrayContaining(['invite.redeemed', 'registration.succeeded']));
  expect((await eventsOf({ type: 'registration.succeeded', accountId: account.id }))[0]?.data).toEqual({ via: 'invite' });
  // The account has no password: a password sign-in is refused like any wrong one.
  expect((await signInWithPassword(config, 'kim@example.com', 'any password at all')).page.status).toBe(401);
});

test('the gate refuses a passkey sign-up as it refuses a password one, before any passkey is made', async () => {
  const invite = await createInvite(gl, { email: 'bound@example.com' });
  const authenticator = createSoftAuthenticator(gl.url);
  const { browser, page } = await signUpPage(invite.token);
  const mismatch = await runCeremony(browser, page, 'sign-up', authenticator, { email: 'other@example.com', invite_token: invite.token });
  expect(mismatch.start).toMatchObject({ status: 403, body: { error: 'email_mismatch' } });
  const missing = await runCeremony(browser, page, 'sign-up', authenticator, { email: 'nobody@example.com' });
  expect(missing.start).toMatchObject({ status: 403, body: { error: 'invite_required' } });
  expect(authenticator.credentialIds()).toEqual([]);
  expect((await eventsOf({ type: 'registration.failed' })).map((event) => event.reason)).toEqual(expect.arrayContaining(['email_mismatch', 'invite_required']));
  expect((await gl.store.invites.findById(invite.id))?.uses).toBe(0);
});

test('an invitation revoked during the passkey ceremony ends the sign-up; the passkey made for it is dropped', async () => {
  const invite = await createInvite(gl, { email: 'late@example.com' });
  const authenticator = createSoftAuthenticator(gl.url);
  const { browser, page } = await signUpPage(invite.token);
  const admin = await adminToken(gl);
  const { optionsUrl, finishUrl, csrf } = ceremonyOn(page, 'sign-up');
  const start = await postJsonAs(browser, optionsUrl, { _csrf: csrf, email: 'late@example.com', invite_token: invite.token });
  expect(start.status).toBe(200);
  expect((await postJson(`${gl.url}/admin/invites/${invite.id}/revoke`, {}, admin)).status).toBe(200);
  const response = authenticator.register(start.body.options);
  const finish = await postJsonAs(browser, finishUrl, { _csrf: csrf, challenge_id: start.body.challenge_id, response });
  expect(finish).toMatchObject({ status: 403, body: { error: 'invalid_invite' } });
  expect(await gl.store.accounts.findByEmail('late@example.com')).toBeNull();
  expect(await gl.store.mfa.findPasskey(response.id)).toBeNull();
});

test('a passwordless sign-in, and its challenge answers once', async () => {
  const invite = await createInvite(gl, { email: 'nopass@example.com' });
  const authenticator = createSoftAuthenticator(gl.url);
  const signUp = await signUpPage(invite.token);
  await runCeremony(signUp.browser, signUp.page, 'sign-up', authenticator, { email: 'nopass@example.com', invite_token: invite.token });

  const browser = new FormClient();
  const start = await startAuthorization(config);
  const login = await browser.get(start.url.toString());
  const { finish, finishUrl, csrf, challengeId, response } = await runCeremony(browser, login, 'sign-in', authenticator);
  expect(finish?.status).toBe(200);
  // The same answer again, in the same interaction: its challenge is gone.
  const again = await postJsonAs(browser, finishUrl, { _csrf: csrf, challenge_id: challengeId, response });
  expect(again).toMatchObject({ status: 400, body: { error: 'challenge_expired' } });
  const landed = await browser.get(finish!.body.location, isCallback);
  const { claims } = await tokensAt(config, browser, landed, start);
  expect(claims).toMatchObject({ email: 'nopass@example.com', amr: ['hwk', 'mfa'], acr: 'urn:guestlist:mfa' });
  expect(await eventsOf({ type: 'passkey.signed_in', accountId: claims.sub })).toHaveLength(1);
});

test('a passkey added on /account/security is then the second factor after the password', async () => {
  const member = await signUpMember(gl, 'both@example.com');
  const authenticator = createSoftAuthenticator(gl.url);
  const security = await member.browser.get(`${gl.url}/account/security`);
  const { finish } = await runCeremony(member.browser, security, 'register', authenticator, { name: 'Laptop' });
  expect(finish).toMatchObject({ status: 200, body: { location: '/account/security?notice=passkey_added' } });
  expect((await gl.store.mfa.listPasskeys(member.sub)).map((passkey) => passkey.name)).toEqual(['Laptop']);

  const { browser, start, page } = await signInWithPassword(config, 'both@example.com', member.password);
  expect(textOf(page.html, 'form-error')).toBeNull();
  const second = await runCeremony(browser, page, 'second-factor', authenticator);
  expect(second.finish?.status).toBe(200);
  const { claims } = await tokensAt(config, browser, await browser.get(second.finish!.body.location, isCallback), start);
  expect(claims.amr).toEqual(['pwd', 'hwk', 'mfa']);
});

test('without a password the last passkey stays, even beside an authenticator app (which never signs in alone); the app may go', async () => {
  const invite = await createInvite(gl, { email: 'keys-only@example.com' });
  const authenticator = createSoftAuthenticator(gl.url);
  const { browser, page } = await signUpPage(invite.token);
  const { finish } = await runCeremony(browser, page, 'sign-up', authenticator, { email: 'keys-only@example.com', invite_token: invite.token });
  expect(finish?.status).toBe(200);
  const codes = await browser.get(new URL(finish!.body.location, gl.url).toString());
  expect(isCallback((await passConsent(browser, await browser.submit(codes, '/mfa/done', {}, isCallback))).url)).toBe(true);
  const account = (await gl.store.accounts.findByEmail('keys-only@example.com'))!;
  await enrolTotpOnAccountPage(gl, browser);
  expect(await gl.store.mfa.findTotp(account.id)).not.toBeNull();

  const [passkey] = await gl.store.mfa.listPasskeys(account.id);
  const security = await browser.get(`${gl.url}/account/security`);
  const refused = await browser.submit(security, `/account/security/passkeys/${passkey!.id}/remove`, {});
  expect(refused.status).toBe(409);
  expect(textOf(refused.html, 'form-error')).toBe('This is your only way to sign in, so it cannot be removed.');
  expect(await gl.store.mfa.listPasskeys(account.id)).toHaveLength(1);

  const removed = await browser.submit(await browser.get(`${gl.url}/account/security`), '/account/security/totp/remove', {});
  expect(textOf(removed.html, 'security-notice')).toBe('The authenticator app was removed.');
  expect(await gl.store.mfa.findTotp(account.id)).toBeNull();
});
