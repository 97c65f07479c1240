// Pre-account squatting over HTTP with a real SMTP server and a real relying party: someone registers
// an address they do not own (the whitelist, no email code); its owner, invited to that address,
// proves it with a code and takes the account over. The squatter's sessions and tokens end.
import { adminToken, createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { FormClient, textOf } from '../support/browser-form.ts';
import { oidc, skipSecondFactorOffer, writeClientsFile } from '../support/relying-party.ts';
import { signInAsApp } from '../recovery/support.ts';
import { createSoftAuthenticator } from '../support/soft-authenticator.ts';
import { runCeremony } from '../mfa/passkey-http.ts';
import { mailedCodes, waitForMailedCode } from './support.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, CLIENTS_FILE: writeClientsFile(), INVITATION_WHITELIST_EMAILS: 'example.org' }, extraDeps: { startWorkers: false } });
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

async function auditOf(accountId: string) {
  const events = await getJson(`${gl.url}/admin/audit?account_id=${accountId}&limit=100`, await adminToken(gl));
  return events.body.data as Array<{ type: string; invite_id: string | null; reason: string | null }>;
}

test('the owner, invited to the address, proves it with a code and takes the squatted account over (JSON API)', async () => {
  const squatted = await postJson(`${gl.url}/api/register`, { email: 'owner@example.org', password: 'squatter password one' });
  expect(squatted.status).toBe(201);
  const squatter = await signInAsApp(gl, 'owner@example.org', 'squatter password one');
  expect(squatter.tokens?.refresh_token).toBeTruthy();

  const invite = await createInvite(gl, { email: 'owner@example.org', roles: ['member'], send_email: false });
  const started = await postJson(`${gl.url}/api/register`, { email: 'owner@example.org', password: 'the real owner password', invite_token: invite.token });
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ status: 'verification_required', channels: ['email'] });
  const code = await waitForMailedCode(gl, smtp, 'owner@example.org');
  const done = await postJson(`${gl.url}/api/register/verify`, { verification_id: started.body.verification_id, email_code: code });
  expect(done.status).toBe(201);
  // The same account, now the owner's.
  expect(done.body.sub).toBe(squatted.body.sub);

  await expect(oidc.refreshTokenGrant(squatter.config!, squatter.tokens!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect((await squatter.browser.get(`${gl.url}/account`)).html).toContain('id="signed-out"');
  expect((await signInAsApp(gl, 'owner@example.org', 'squatter password one')).refused?.status).toBe(401);
  expect((await signInAsApp(gl, 'owner@example.org', 'the real owner password')).tokens?.claims()).toMatchObject({ sub: squatted.body.sub, email_verified: true, roles: ['member'] });

  const admin = await adminToken(gl);
  expect((await getJson(`${gl.url}/admin/invites/${invite.id}`, admin)).body).toMatchObject({ status: 'redeemed', uses: 1 });
  expect((await getJson(`${gl.url}/admin/users/${squatted.body.sub}`, admin)).body).toMatchObject({ email_verified: true, invite_id: invite.id, roles: ['member'] });
  const types = (await auditOf(squatted.body.sub)).map((event) => event.type);
  expect(types).toEqual(expect.arrayContaining(['registration.succeeded', 'account.taken_over', 'invite.redeemed']));
});

test('a wrong code takes nothing over; a proven account or an open invitation still meets 409 email_taken', async () => {
  await postJson(`${gl.url}/api/register`, { email: 'held@example.org', password: 'squatter password two' });
  const invite = await createInvite(gl, { email: 'held@example.org', send_email: false });
  const started = await postJson(`${gl.url}/api/register`, { email: 'held@example.org', password: 'held owner password', invite_token: invite.token });
  const code = await waitForMailedCode(gl, smtp, 'held@example.org');
  const wrong = await postJson(`${gl.url}/api/register/verify`, { verification_id: started.body.verification_id, email_code: code === '000000' ? '111111' : '000000' });
  expect(wrong.body.error).toBe('invalid_code');
  expect((await signInAsApp(gl, 'held@example.org', 'squatter password two')).tokens).toBeTruthy();

  // Someone who proved their address keeps it.
  const proven = await createInvite(gl, { email: 'proven@example.org', send_email: false });
  expect((await postJson(`${gl.url}/api/register`, { email: 'proven@example.org', password: 'proven password one', invite_token: proven.token })).status).toBe(201);
  const second = await createInvite(gl, { email: 'proven@example.org', send_email: false });
  const taken = await postJson(`${gl.url}/api/register`, { email: 'proven@example.org', password: 'another password here', invite_token: second.token });
  expect([taken.status, taken.body.error]).toEqual([409, 'email_taken']);
  // An open invitation proves nothing about the address.
  const openInvite = await createInvite(gl, { send_email: false });
  const open = await postJson(`${gl.url}/api/register`, { email: 'held@example.org', password: 'held owner password', invite_token: openInvite.token });
  expect([open.status, open.body.error]).toEqual([409, 'email_taken']);
  expect(mailedCodes(smtp, 'proven@example.org')).toEqual([]);
});

test('on the hosted pages the invitation link says so, and the code step ends signed in as the owner', async () => {
  const squatted = await postJson(`${gl.url}/api/register`, { email: 'page-owner@example.org', password: 'squatter password three' });
  const invite = await createInvite(gl, { email: 'page-owner@example.org', send_email: false });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  expect(textOf(page.html, 'takeover-notice')).toContain('An account was made with this address without proving it.');
  expect(page.html).not.toContain('You already have an account with this email.');
  const codePage = await browser.submit(page, '/register', { email: 'page-owner@example.org', password: 'page owner password', invite_token: invite.token });
  expect(codePage.url).toMatch(/\/interaction\/[^/]+\/verify$/);
  const code = await waitForMailedCode(gl, smtp, 'page-owner@example.org');
  const welcome = await skipSecondFactorOffer(browser, await browser.submit(codePage, '/verify', { email_code: code }));
  expect(welcome.html).toContain('Your account is ready');
  expect((await auditOf(squatted.body.sub)).map((event) => event.type)).toContain('account.taken_over');
});

test('taking an address back needs the emailed code, so a passkey-only sign-up is refused for it before any passkey is made', async () => {
  const squatted = await postJson(`${gl.url}/api/register`, { email: 'passkey-owner@example.org', password: 'squatter password four' });
  expect(squatted.status).toBe(201);
  const invite = await createInvite(gl, { email: 'passkey-owner@example.org', send_email: false });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  const authenticator = createSoftAuthenticator(gl.url);
  const refused = await runCeremony(browser, page, 'sign-up', authenticator, { email: 'passkey-owner@example.org', invite_token: invite.token });
  expect(refused.start).toMatchObject({ status: 409, body: { error: 'passkey_signup_unavailable' } });
  expect(authenticator.credentialIds()).toEqual([]);
  expect((await gl.store.invites.findById(invite.id))?.uses).toBe(0);
  expect((await gl.store.accounts.findByEmail('passkey-owner@example.org'))?.id).toBe(squatted.body.sub);
});
