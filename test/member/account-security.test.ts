// Self-service on /account over HTTP with real relying parties and a real SMTP server: changing the
// password (re-authentication, "sign out other devices"), sessions and apps, and moving to another
// email address within the rules that admitted the account.
import { FormClient, textOf, type Page } from '../support/browser-form.ts';
import { adminToken, createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { oidc, writeClientsFile } from '../support/relying-party.ts';
import { MINUTE } from '../support/test-clock.ts';
import { signUpMember } from './member-session.ts';
import { mailSubjectsTo, recoveryCodesTo, signInAsApp, wrongRecoveryCode } from '../recovery/support.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, CLIENTS_FILE: writeClientsFile(), INVITATION_WHITELIST_EMAILS: 'open.example' }, extraDeps: { startWorkers: false } });
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

const accountPage = (browser: FormClient) => browser.get(`${gl.url}/account`);
const signedIn = async (browser: FormClient) => !(await accountPage(browser)).html.includes('id="signed-out"');
/** Posts a form of the page by hand (its CSRF token, these fields), as a browser with a stale page would. */
const post = (browser: FormClient, page: Page, action: string, fields: Record<string, string>) =>
  browser.request(`${gl.url}${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!, ...fields }).toString(),
  });
const refreshes = (config: oidc.Configuration, token: string) => oidc.refreshTokenGrant(config, token).then(() => true, () => false);

async function auditTypes(accountId: string): Promise<string[]> {
  const events = await getJson(`${gl.url}/admin/audit?account_id=${accountId}&limit=100`, await adminToken(gl));
  return (events.body.data as Array<{ type: string }>).map((event) => event.type);
}

test('change the password: proof it is you, the policy, and "sign out other devices" ending everything but this browser', async () => {
  const me = await signUpMember(gl, 'pat@example.com', {}, 'pat first password');
  const other = await signInAsApp(gl, 'pat@example.com', 'pat first password');
  expect(other.tokens?.refresh_token).toBeTruthy();
  let page: Page = await accountPage(me.browser);
  expect(page.html.match(/<li id="session-/g)).toHaveLength(2);
  expect(page.html).toMatch(/data-current="true"/);
  expect(textOf(page.html, 'app-list')).toContain('Test App');

  const wrong = await me.browser.submit(page, '/account/password', { current_password: 'not my password', new_password: 'pat second password', sign_out_others: 'on' });
  expect([wrong.status, textOf(wrong.html, 'current-password-error')]).toEqual([401, 'The current password is not correct.']);
  const weak = await me.browser.submit(wrong, '/account/password', { current_password: 'pat first password', new_password: 'iloveyou2', sign_out_others: 'on' });
  expect([weak.status, textOf(weak.html, 'new-password-error')]).toEqual([400, 'New password is one of the most common passwords, which attackers try first.']);

  // Signed up a moment ago: the recent sign-in stands in for the current password.
  page = await me.browser.submit(weak, '/account/password', { new_password: 'pat second password', sign_out_others: 'on' });
  expect([page.status, textOf(page.html, 'security-notice')]).toEqual([200, 'Your password was changed, and your other devices and apps were signed out.']);
  expect(await signedIn(me.browser)).toBe(true);
  expect(await refreshes(me.config, me.tokens.refresh_token!)).toBe(true);
  expect(await signedIn(other.browser)).toBe(false);
  expect(await refreshes(other.config!, other.tokens!.refresh_token!)).toBe(false);
  expect((await signInAsApp(gl, 'pat@example.com', 'pat first password')).refused?.status).toBe(401);

  // Ten minutes on, the current password is asked for; unticked, other devices stay signed in.
  const third = await signInAsApp(gl, 'pat@example.com', 'pat second password');
  gl.clock.advance(11 * MINUTE);
  page = await accountPage(me.browser);
  const asked = await me.browser.submit(page, '/account/password', { new_password: 'pat third password' });
  expect([asked.status, textOf(asked.html, 'current-password-error')]).toEqual([403, 'Enter your current password to do this.']);
  const kept = await me.browser.submit(asked, '/account/password', { current_password: 'pat second password', new_password: 'pat third password' });
  expect(textOf(kept.html, 'security-notice')).toBe('Your password was changed.');
  expect(await refreshes(third.config!, third.tokens!.refresh_token!)).toBe(true);

  await gl.guestlist.services.mail.drain();
  expect(mailSubjectsTo(smtp, 'pat@example.com').filter((subject) => subject.includes('password was changed'))).toHaveLength(2);
  expect(await auditTypes(me.sub)).toEqual(expect.arrayContaining(['password.changed', 'login.failed']));
});

test('sessions and apps: end one session, take an app’s access away, sign out everywhere else', async () => {
  const me = await signUpMember(gl, 'sam@example.com', {}, 'sam first password');
  const laptop = await signInAsApp(gl, 'sam@example.com', 'sam first password');
  const phone = await signInAsApp(gl, 'sam@example.com', 'sam first password');
  const page = await accountPage(me.browser);
  const phoneSession = [...page.html.matchAll(/<li id="session-([^"]+)">/g)].map((match) => match[1]!);
  expect(phoneSession).toHaveLength(2);

  // Ending one session signs that browser out; the other stays.
  const ended = await me.browser.submit({ ...page, html: page.html.slice(page.html.indexOf(`id="session-${phoneSession[0]}"`)) }, '/account/sessions/end', {});
  expect(textOf(ended.html, 'security-notice')).toBe('That session was signed out.');
  expect([await signedIn(laptop.browser), await signedIn(phone.browser)].filter(Boolean)).toHaveLength(1);

  // An app's access: every grant of the account to it ends, refresh tokens included.
  const revoked = await me.browser.submit(ended, '/account/apps/revoke', { client_id: 'test-rp' });
  expect(textOf(revoked.html, 'security-notice')).toBe('The app no longer has access. It asks again the next time you use it.');
  expect(await refreshes(me.config, me.tokens.refresh_token!)).toBe(false);
  expect(textOf(revoked.html, 'no-apps')).toBe('No app has access to your account.');
  expect((await post(me.browser, revoked, '/account/apps/revoke', { client_id: 'test-rp' })).status).toBe(404);

  const rest = await me.browser.submit(revoked, '/account/sessions/end-others', {});
  expect(textOf(rest.html, 'security-notice')).toBe('Every other session and app was signed out.');
  expect([await signedIn(laptop.browser), await signedIn(phone.browser), await signedIn(me.browser)]).toEqual([false, false, true]);
  // Not signed in: the forms are refused.
  const stranger = new FormClient();
  const refused = await stranger.request(`${gl.url}/account/sessions/end-others`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '_csrf=x' });
  expect(refused.status).toBe(403);
  expect(await auditTypes(me.sub)).toEqual(expect.arrayContaining(['session.ended', 'grant.revoked']));
});

test('email change: a whitelisted account moves to another whitelisted address with a code; the old address is told; an invitation there is not spent', async () => {
  const created = await postJson(`${gl.url}/api/register`, { email: 'nico@open.example', password: 'nico first password' });
  expect(created.status).toBe(201);
  const waiting = await createInvite(gl, { email: 'nico.new@open.example', send_email: false });
  const { browser } = await signInAsApp(gl, 'nico@open.example', 'nico first password');
  let page = await accountPage(browser);
  const elsewhere = await browser.submit(page, '/account/email', { new_email: 'nico@elsewhere.example' });
  expect([elsewhere.status, textOf(elsewhere.html, 'new-email-error')]).toEqual([403, 'Your account can only move to another address on the list of allowed addresses.']);
  expect((await postJson(`${gl.url}/api/register`, { email: 'taken@open.example', password: 'taken first password' })).status).toBe(201);
  const taken = await browser.submit(elsewhere, '/account/email', { new_email: 'taken@open.example' });
  expect([taken.status, textOf(taken.html, 'new-email-error')]).toEqual([409, 'An account with this email already exists. Sign in instead.']);

  page = await browser.submit(taken, '/account/email', { new_email: 'Nico.New@open.example' });
  expect([page.status, textOf(page.html, 'email-code-sent')]).toEqual([200, 'We sent an 8-digit code to nico.new@open.example. Enter it to move your account there.']);
  await gl.guestlist.services.mail.drain();
  const code = recoveryCodesTo(smtp, 'nico.new@open.example')[0]!;
  const wrong = await browser.submit(page, '/account/email/confirm', { code: wrongRecoveryCode(code) });
  expect([wrong.status, textOf(wrong.html, 'email-code-error')]).toEqual([400, 'That code is not correct.']);
  // The code works only in the browser that asked.
  const elsewhereBrowser = (await signInAsApp(gl, 'nico@open.example', 'nico first password')).browser;
  const stray = await post(elsewhereBrowser, await accountPage(elsewhereBrowser), '/account/email/confirm', { code });
  expect(stray.status).toBe(400);
  const moved = await browser.submit(wrong, '/account/email/confirm', { code });
  expect([moved.status, textOf(moved.html, 'security-notice')]).toEqual([200, 'Your email address is now nico.new@open.example. We told your old address.']);

  const user = await getJson(`${gl.url}/admin/users/${created.body.sub}`, await adminToken(gl));
  expect(user.body).toMatchObject({ email: 'nico.new@open.example', email_verified: true });
  await gl.guestlist.services.mail.drain();
  expect(mailSubjectsTo(smtp, 'nico@open.example')).toContain('Your Guestlist email address was changed');
  expect((await getJson(`${gl.url}/api/invites/${waiting.token}`)).body).toMatchObject({ valid: true });
  expect((await signInAsApp(gl, 'nico.new@open.example', 'nico first password')).tokens).toBeTruthy();
  expect(await auditTypes(created.body.sub)).toEqual(expect.arrayContaining(['email.change_requested', 'email.changed']));
});

test('email change: an account admitted by an email-bound invitation needs an admin, who can move it', async () => {
  const me = await signUpMember(gl, 'ines@example.com', {}, 'ines first password');
  const page = await accountPage(me.browser);
  expect(textOf(page.html, 'email-change-reason')).toBe('Your invitation was for this address, so only an administrator can move your account to another one.');
  expect(page.html).not.toContain('action="/account/email"');
  const refused = await post(me.browser, page, '/account/email', { new_email: 'ines.new@example.com' });
  expect(refused.status).toBe(403);

  const admin = await adminToken(gl);
  const moved = await fetch(`${gl.url}/admin/users/${me.sub}/email`, { method: 'PUT', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'Ines.New@example.com' }) });
  expect(moved.status).toBe(200);
  expect(await moved.json()).toMatchObject({ email: 'ines.new@example.com', email_verified: false });
  const clash = await fetch(`${gl.url}/admin/users/${me.sub}/email`, { method: 'PUT', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'pat@example.com' }) });
  expect(clash.status).toBe(409);
  await gl.guestlist.services.mail.drain();
  expect(mailSubjectsTo(smtp, 'ines@example.com')).toContain('Your Guestlist email address was changed');
});

test("with email_change_invited=self, an invitation-admitted member moves with a code like anyone", async () => {
  const selfServe = await startGuestlist({ env: { SMTP_URL: smtp.url, CLIENTS_FILE: writeClientsFile(), EMAIL_CHANGE_INVITED: 'self' }, extraDeps: { startWorkers: false } });
  try {
    const me = await signUpMember(selfServe, 'rae@example.com', {}, 'rae first password');
    const page = await me.browser.get(`${selfServe.url}/account`);
    expect(page.html).not.toContain('id="email-change-reason"');
    const sent = await me.browser.submit(page, '/account/email', { new_email: 'rae.new@example.com' });
    expect(textOf(sent.html, 'email-code-sent')).toContain('rae.new@example.com');
    await selfServe.guestlist.services.mail.drain();
    const moved = await me.browser.submit(sent, '/account/email/confirm', { code: recoveryCodesTo(smtp, 'rae.new@example.com')[0]! });
    expect(textOf(moved.html, 'security-notice')).toBe('Your email address is now rae.new@example.com. We told your old address.');
  } finally {
    await selfServe.stop();
  }
});
