// Joining and signing in through an upstream identity provider, for real: a second oidc-provider on
// loopback is the upstream, a real relying party (openid-client) drives Guestlist's hosted pages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormClient, textOf, type Page } from '../support/browser-form.ts';
import { adminToken, createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, finishAuthorization, isCallback, passConsent, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import { freePort, startUpstream, type RunningUpstream } from '../support/upstream-idp.ts';
import { signUpMember } from '../member/member-session.ts';
import { backupCodesIn, codeAt, inputValue } from '../mfa/mfa-session.ts';
import { runCeremony } from '../mfa/passkey-http.ts';
import { createSoftAuthenticator } from '../support/soft-authenticator.ts';

let upstream: RunningUpstream | undefined;
let gl: RunningGuestlist | undefined;

afterEach(async () => {
  await gl?.stop();
  await upstream?.stop();
  gl = undefined;
  upstream = undefined;
});

async function start(entry: Record<string, unknown>, env: Record<string, string> = {}) {
  const port = await freePort();
  upstream = await startUpstream(`http://127.0.0.1:${port}/federation/upstream/callback`);
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-upstream-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ upstream_providers: [{ id: 'upstream', name: 'Upstream', issuer: upstream.issuer, client_id: upstream.clientId, client_secret: upstream.clientSecret, ...entry }] }));
  gl = await startGuestlist({ port, env: { CLIENTS_FILE: writeClientsFile(), GUESTLIST_CONFIG: file, ...env } });
  return { gl, upstream };
}

/** Opens the app's sign-up (with the invitation) or sign-in page in a fresh browser. */
async function openPage(params: Record<string, string>) {
  const config = await discover(gl!.url);
  const browser = new FormClient();
  const authorization = await startAuthorization(config, { scope: 'openid email', ...params });
  const page = await browser.get(authorization.url.toString());
  return { config, browser, authorization, page };
}

/** "Continue with Upstream", then the upstream's own sign-in as `login`; stops at the app's callback or a page. */
async function continueWithUpstream(browser: FormClient, page: Page, login: string): Promise<Page> {
  expect(textOf(page.html, 'upstream-upstream')).toBe('Continue with Upstream');
  const atUpstream = await browser.submit(page, '/federation/upstream', {});
  expect(atUpstream.url.startsWith(`${upstream!.issuer}/interaction/`)).toBe(true);
  return browser.submit(atUpstream, '/login', { login }, isCallback);
}

const events = async (type: string) => (await gl!.store.audit.query({ type }, { limit: 100 })).items;

test('invitation → Continue with Upstream → back at the app signed in, with the invitation\'s roles and invited_by', async () => {
  await start({ signup: 'invite_required' });
  upstream!.accounts.set('ada', { email: 'Ada@Example.com', email_verified: true });
  const invite = await createInvite(gl!, { email: 'ada@example.com', roles: ['beta'] });
  const { config, browser, authorization, page } = await openPage({ prompt: 'create consent', invite_token: invite.token });
  expect(page.status).toBe(200);
  // The invitation rides along with the button.
  expect(page.html).toContain(`name="invite_token" value="${invite.token}"`);
  const callback = await passConsent(browser, await continueWithUpstream(browser, page, 'ada'));
  const tokens = await finishAuthorization(config, callback.url, authorization);
  const claims = tokens.claims()!;
  expect(claims.email).toBe('ada@example.com');
  expect(claims.email_verified).toBe(true);
  expect(claims.roles).toEqual(['beta']);
  const account = (await gl!.store.accounts.findById(claims.sub))!;
  expect(account).toMatchObject({ email: 'ada@example.com', emailVerified: true, inviteId: invite.id, passwordHash: null, roles: ['beta'] });
  expect(account.invitedBy).toBe((await gl!.store.invites.findById(invite.id))!.createdBy);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'ada')).toMatchObject({ accountId: claims.sub, providerId: 'upstream' });
  expect((await events('registration.succeeded')).map((e) => e.data)).toEqual([{ via: 'upstream:upstream' }]);
  expect((await events('invite.redeemed')).map((e) => e.accountId)).toEqual([claims.sub]);
  expect((await events('federation.linked')).map((e) => [e.accountId, e.data])).toEqual([[claims.sub, { provider: 'upstream' }]]);
  // Upstream claims stay upstream: nothing but Guestlist's own claims reach the app.
  expect(Object.keys(claims).filter((key) => !['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'email', 'email_verified', 'roles', 'amr', 'acr'].includes(key))).toEqual([]);

  // Next time, from another browser: the same upstream account signs in to the same account, no second one.
  const again = await openPage({});
  const signedIn = await passConsent(again.browser, await continueWithUpstream(again.browser, again.page, 'ada'));
  expect((await finishAuthorization(again.config, signedIn.url, again.authorization)).claims()!.sub).toBe(claims.sub);
  expect((await gl!.store.accounts.list({}, { limit: 10 })).items).toHaveLength(1);

  // The account has no password: password sign-in refuses it cleanly.
  const withPassword = await openPage({});
  const refused = await withPassword.browser.submit(withPassword.page, '/login', { email: 'ada@example.com', password: 'any password at all' });
  expect(refused.status).toBe(401);
  expect(textOf(refused.html, 'form-error')).toBe('The email or password is not correct.');

  // No secret of the journey reached a log line or an audit event.
  const audit = JSON.stringify((await gl!.store.audit.query({}, { limit: 200 })).items);
  for (const secret of [invite.token, upstream!.clientSecret]) {
    expect(gl!.logs()).not.toContain(secret);
    expect(audit).not.toContain(secret);
  }
});

test('an upstream sign-in is one factor: a required role enrols a second before the app gets a code, and it is asked for next time', async () => {
  await start({ signup: 'invite_required' }, { MFA_REQUIRED_ROLES: 'admin' });
  upstream!.accounts.set('root', { email: 'root@example.com', email_verified: true });
  const invite = await createInvite(gl!, { email: 'root@example.com', roles: ['admin'] });
  const { config, browser, authorization, page } = await openPage({ prompt: 'create consent', invite_token: invite.token });
  const enrolment = await continueWithUpstream(browser, page, 'root');
  expect(isCallback(enrolment.url)).toBe(false);
  expect(enrolment.html).toContain('/mfa/totp"');
  expect(enrolment.html).not.toContain('/mfa/skip');
  const secret = inputValue(enrolment.html, 'totp-secret')!;
  const codesStep = await browser.submit(enrolment, '/mfa/totp', { code: codeAt(gl!, secret) });
  const shown = await browser.submit(codesStep, '/mfa/backup-codes', {});
  expect(backupCodesIn(shown.html)).toHaveLength(10);
  const callback = await passConsent(browser, await browser.submit(shown, '/mfa/done', {}, isCallback));
  const claims = (await finishAuthorization(config, callback.url, authorization)).claims()!;
  expect(claims).toMatchObject({ email: 'root@example.com', roles: ['admin'], amr: ['fed', 'otp', 'mfa'], acr: 'urn:guestlist:mfa' });

  // Another browser: the upstream sign-in, then the code, then the app.
  gl!.clock.advance(60_000);
  const again = await openPage({});
  const challenge = await continueWithUpstream(again.browser, again.page, 'root');
  expect(isCallback(challenge.url)).toBe(false);
  expect(challenge.html).toContain('/mfa"');
  const signedIn = await passConsent(again.browser, await again.browser.submit(challenge, '/mfa', { code: codeAt(gl!, secret) }, isCallback));
  expect((await finishAuthorization(again.config, signedIn.url, again.authorization)).claims()).toMatchObject({ sub: claims.sub, amr: ['fed', 'otp', 'mfa'] });
});

test('an account deleted by an admin takes its upstream links with it: that upstream account may join again', async () => {
  await start({ signup: 'open' });
  upstream!.accounts.set('ivy', { email: 'ivy@example.com', email_verified: true });
  const first = await openPage({ prompt: 'create consent' });
  const callback = await passConsent(first.browser, await continueWithUpstream(first.browser, first.page, 'ivy'));
  const sub = (await finishAuthorization(first.config, callback.url, first.authorization)).claims()!.sub;
  const response = await fetch(`${gl!.url}/admin/users/${sub}`, { method: 'DELETE', headers: { Authorization: `Bearer ${await adminToken(gl!)}` } });
  expect(response.status).toBe(204);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'ivy')).toBeNull();

  const again = await openPage({ prompt: 'create consent' });
  const rejoined = await passConsent(again.browser, await continueWithUpstream(again.browser, again.page, 'ivy'));
  const newSub = (await finishAuthorization(again.config, rejoined.url, again.authorization)).claims()!.sub;
  expect(newSub).not.toBe(sub);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'ivy')).toMatchObject({ accountId: newSub });
});

test('without an invitation, invite_required refuses the upstream account and creates nothing', async () => {
  await start({ signup: 'invite_required' });
  upstream!.accounts.set('mallory', { email: 'mallory@example.com', email_verified: true });
  const { browser, page } = await openPage({ prompt: 'create' });
  const refused = await continueWithUpstream(browser, page, 'mallory');
  expect(refused.status).toBe(403);
  expect(textOf(refused.html, 'error-message')).toBe('An invitation is required to join with this account. Open your invitation link first, then continue with it.');
  expect((await gl!.store.accounts.list({}, { limit: 10 })).items).toEqual([]);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'mallory')).toBeNull();
  expect((await events('federation.rejected')).map((e) => [e.reason, e.data])).toEqual([['no_invitation', { provider: 'upstream', email_domain: 'example.com' }]]);
});

test('an unverified email, and a verified one that is not the invitation\'s, are refused with their reasons', async () => {
  await start({ signup: 'invite_required' });
  upstream!.accounts.set('unverified', { email: 'ada@example.com', email_verified: false });
  upstream!.accounts.set('other', { email: 'eve@example.com', email_verified: true });
  const invite = await createInvite(gl!, { email: 'ada@example.com' });

  const first = await openPage({ prompt: 'create', invite_token: invite.token });
  const unverified = await continueWithUpstream(first.browser, first.page, 'unverified');
  expect(unverified.status).toBe(403);
  expect(textOf(unverified.html, 'error-message')).toBe('This provider did not confirm your email address, so it cannot be used to join.');

  const second = await openPage({ prompt: 'create', invite_token: invite.token });
  const mismatched = await continueWithUpstream(second.browser, second.page, 'other');
  expect(mismatched.status).toBe(403);
  expect(textOf(mismatched.html, 'error-message')).toBe('This invitation was sent to a different email address. Use the address it was sent to.');

  expect((await events('federation.rejected')).map((e) => e.reason).sort()).toEqual(['email_mismatch', 'email_unverified']);
  expect((await gl!.store.invites.findById(invite.id))!.uses).toBe(0);
  expect((await gl!.store.accounts.list({}, { limit: 10 })).items).toEqual([]);
});

test('under whitelist a whitelisted domain joins without an invitation; another domain does not; allowed_domains refuses outsiders', async () => {
  await start({ signup: 'whitelist' }, { INVITATION_WHITELIST_EMAILS: 'friends.org' });
  upstream!.accounts.set('bob', { email: 'bob@friends.org', email_verified: true });
  upstream!.accounts.set('eve', { email: 'eve@elsewhere.org', email_verified: true });
  const joined = await openPage({ prompt: 'create consent' });
  const callback = await passConsent(joined.browser, await continueWithUpstream(joined.browser, joined.page, 'bob'));
  const claims = (await finishAuthorization(joined.config, callback.url, joined.authorization)).claims()!;
  expect(claims.email).toBe('bob@friends.org');
  expect((await gl!.store.accounts.findById(claims.sub))!.inviteId).toBeNull();

  const outsider = await openPage({ prompt: 'create' });
  expect((await continueWithUpstream(outsider.browser, outsider.page, 'eve')).status).toBe(403);
  expect((await events('federation.rejected')).map((e) => e.reason)).toEqual(['no_invitation']);
});

test('allowed_domains refuses an account of another domain, even under open sign-up', async () => {
  await start({ signup: 'open', allowed_domains: ['friends.org'] });
  upstream!.accounts.set('eve', { email: 'eve@elsewhere.org', email_verified: true });
  const { browser, page } = await openPage({ prompt: 'create' });
  const refused = await continueWithUpstream(browser, page, 'eve');
  expect(refused.status).toBe(403);
  expect(textOf(refused.html, 'error-message')).toBe('Accounts from this email domain cannot join here.');
  expect((await events('federation.rejected')).map((e) => e.reason)).toEqual(['domain_not_allowed']);
});

test('an upstream email that matches a local account never links by itself; the member links after signing in, then unlinks', async () => {
  await start({ signup: 'open' });
  const member = await signUpMember(gl!, 'carol@example.com');
  upstream!.accounts.set('carol-upstream', { email: 'carol@example.com', email_verified: true });

  // Someone holding an upstream account with Carol's email cannot take over her account.
  const stranger = await openPage({});
  const refused = await continueWithUpstream(stranger.browser, stranger.page, 'carol-upstream');
  expect(refused.status).toBe(409);
  expect(textOf(refused.html, 'error-message')).toBe('An account with this email already exists. Sign in to it with your password, then link Upstream on your account page.');
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'carol-upstream')).toBeNull();
  expect((await events('federation.rejected')).map((e) => e.reason)).toEqual(['email_taken']);

  // Carol, signed in with her password, links it from /account.
  const accountPage = await member.browser.get(`${gl!.url}/account`);
  expect(textOf(accountPage.html, 'no-links')).toBe('No other accounts are linked.');
  const atUpstream = await member.browser.submit(accountPage, '/account/federation/upstream/link', {});
  const linked = await member.browser.submit(atUpstream, '/login', { login: 'carol-upstream' });
  expect(linked.url).toBe(`${gl!.url}/account?federation=linked`);
  expect(textOf(linked.html, 'linked-notice')).toBe('The account is linked. You can now sign in with it.');
  expect(linked.html).toContain('id="link-upstream"');
  expect((await events('federation.linked')).map((e) => [e.accountId, e.data])).toEqual([[member.sub, { provider: 'upstream' }]]);

  // Now the upstream account signs in to Carol's account.
  const later = await openPage({});
  const callback = await passConsent(later.browser, await continueWithUpstream(later.browser, later.page, 'carol-upstream'));
  expect((await finishAuthorization(later.config, callback.url, later.authorization)).claims()!.sub).toBe(member.sub);

  // She unlinks it: she still has her password, so that is allowed.
  const unlinked = await member.browser.submit(await member.browser.get(`${gl!.url}/account`), '/account/federation/unlink', {});
  expect(unlinked.url).toBe(`${gl!.url}/account?federation=unlinked`);
  expect(textOf(unlinked.html, 'no-links')).toBe('No other accounts are linked.');
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'carol-upstream')).toBeNull();
  expect((await events('federation.unlinked')).map((e) => [e.accountId, e.data])).toEqual([[member.sub, { provider: 'upstream' }]]);
});

test('an account whose only way in is its upstream link cannot unlink it; with a passkey beside it, either may go', async () => {
  await start({ signup: 'open' });
  upstream!.accounts.set('dan', { email: 'dan@example.com', email_verified: true });
  const { browser, page } = await openPage({ prompt: 'create consent' });
  await passConsent(browser, await continueWithUpstream(browser, page, 'dan'));
  const accountPage = await browser.get(`${gl!.url}/account`);
  const refused = await browser.submit(accountPage, '/account/federation/unlink', {});
  expect(refused.status).toBe(409);
  expect(textOf(refused.html, 'error-message')).toBe('This is your only way to sign in, so it cannot be removed.');
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'dan')).not.toBeNull();
  expect(await events('federation.unlinked')).toEqual([]);

  // A passkey is a way in too: with the upstream link beside it, it may go; with it, the link may.
  const sub = (await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'dan'))!.accountId;
  const authenticator = createSoftAuthenticator(gl!.url);
  const added = await runCeremony(browser, await browser.get(`${gl!.url}/account/security`), 'register', authenticator, { name: 'Phone' });
  expect(added.finish?.status).toBe(200);
  const [passkey] = await gl!.store.mfa.listPasskeys(sub);
  const removed = await browser.submit(await browser.get(`${gl!.url}/account/security`), `/account/security/passkeys/${passkey!.id}/remove`, {});
  expect(textOf(removed.html, 'security-notice')).toBe('The passkey was removed.');
  await runCeremony(browser, await browser.get(`${gl!.url}/account/security`), 'register', authenticator, { name: 'Phone' });
  const unlinked = await browser.submit(await browser.get(`${gl!.url}/account`), '/account/federation/unlink', {});
  expect(unlinked.url).toBe(`${gl!.url}/account?federation=unlinked`);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'dan')).toBeNull();
});

test('40 parallel upstream sign-ups on one single-use invitation give exactly one account', async () => {
  await start({ signup: 'invite_required' }, { RATE_LIMIT_REGISTRATIONS: '1000', RATE_LIMIT_INVITE_LOOKUPS: '1000' });
  const invite = await createInvite(gl!, { max_uses: 1 });
  for (let i = 0; i < 40; i++) upstream!.accounts.set(`racer${i}`, { email: `racer${i}@example.com`, email_verified: true });
  const pages = await Promise.all(Array.from({ length: 40 }, () => openPage({ prompt: 'create consent', invite_token: invite.token })));
  const outcomes = await Promise.all(pages.map(({ browser, page }, i) => continueWithUpstream(browser, page, `racer${i}`)));
  const statuses = outcomes.map((page) => page.status);
  // One reached the app (a consent page or its callback); every other was told the invitation is gone.
  expect(statuses.filter((status) => status === 403)).toHaveLength(39);
  const accounts = (await gl!.store.accounts.list({ inviteId: invite.id }, { limit: 100 })).items;
  expect(accounts).toHaveLength(1);
  expect((await gl!.store.accounts.list({}, { limit: 100 })).items).toHaveLength(1);
  expect((await gl!.store.invites.findById(invite.id))!.uses).toBe(1);
  expect(await gl!.store.federatedIdentities.listByAccount(accounts[0]!.id)).toHaveLength(1);
  // The losers' links were taken back: no (issuer, sub) points at an account that does not exist.
  for (let i = 0; i < 40; i++) {
    const link = await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, `racer${i}`);
    if (link) expect(link.accountId).toBe(accounts[0]!.id);
  }
});

test('with trust_email, a verified upstream email signs in to the local account of that email and links it', async () => {
  await start({ signup: 'link_only', trust_email: true });
  const member = await signUpMember(gl!, 'erin@example.com');
  upstream!.accounts.set('erin-upstream', { email: 'erin@example.com', email_verified: true });
  upstream!.accounts.set('erin-unverified', { email: 'erin@example.com', email_verified: false });

  // An unverified email is never trusted: link_only then has no account to offer.
  const unverified = await openPage({});
  const refused = await continueWithUpstream(unverified.browser, unverified.page, 'erin-unverified');
  expect(refused.status).toBe(403);
  expect((await events('federation.rejected')).map((e) => e.reason)).toEqual(['not_linked']);

  const { config, browser, authorization, page } = await openPage({});
  const callback = await passConsent(browser, await continueWithUpstream(browser, page, 'erin-upstream'));
  expect((await finishAuthorization(config, callback.url, authorization)).claims()!.sub).toBe(member.sub);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'erin-upstream')).toMatchObject({ accountId: member.sub });
  expect((await events('federation.linked')).map((e) => e.data)).toEqual([{ provider: 'upstream', automatic: true }]);
});

test('a callback without its pending request, replayed, or with a forged state is refused with 400 and signs no one in', async () => {
  await start({ signup: 'open' });
  upstream!.accounts.set('fay', { email: 'fay@example.com', email_verified: true });
  const { browser, page } = await openPage({ prompt: 'create' });
  const atUpstream = await browser.submit(page, '/federation/upstream', {});
  // Stop at Guestlist's callback to hold its URL (code, state, iss) in hand.
  const atCallback = await browser.submit(atUpstream, '/login', { login: 'fay' }, (location) => location.startsWith(`${gl!.url}/federation/upstream/callback`));
  const callbackUrl = new URL(atCallback.url);
  expect(callbackUrl.searchParams.get('iss')).toBe(upstream!.issuer);

  // Another browser (no pending request of its own) cannot use it.
  const elsewhere = await new FormClient().get(callbackUrl.href);
  expect(elsewhere.status).toBe(400);
  expect(textOf(elsewhere.html, 'error-message')).toBe('The sign-in with the other provider did not complete. Start again.');

  // The right browser with a forged state is refused too, and its pending request is spent.
  const forged = new URL(callbackUrl);
  forged.searchParams.set('state', 'forged');
  expect((await browser.get(forged.href)).status).toBe(400);
  expect((await browser.get(callbackUrl.href)).status).toBe(400);
  expect((await gl!.store.accounts.list({}, { limit: 10 })).items).toEqual([]);
  // The upstream's code and state are redacted from the request log.
  expect(gl!.logs()).not.toContain(callbackUrl.searchParams.get('code')!);
  expect(gl!.logs()).not.toContain(callbackUrl.searchParams.get('state')!);
});

test('an unknown provider id is a 404 and starts nothing', async () => {
  await start({ signup: 'open' });
  const { browser, page } = await openPage({ prompt: 'create' });
  const form = page.html.match(/action="(\/interaction\/[^/"]+)\/federation\/upstream"/)![1];
  const csrf = page.html.match(/name="_csrf" value="([^"]+)"/)![1]!;
  const response = await browser.request(`${gl!.url}${form}/federation/nobody`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` });
  expect(response.status).toBe(404);
  expect((await browser.get(`${gl!.url}/federation/nobody/callback?code=x&state=y`)).status).toBe(400);
});

test('a link left pointing at no account (a crash between link and account) is dropped and the person joins; a disabled account is refused', async () => {
  await start({ signup: 'open' });
  upstream!.accounts.set('jon', { email: 'jon@example.com', email_verified: true });
  await gl!.store.federatedIdentities.link({ id: 'stale', accountId: 'no-such-account', providerId: 'upstream', issuer: upstream!.issuer, subject: 'jon', email: null, createdAt: gl!.clock.now() });
  // Past the grace a racing sign-up gets to create its account (federation-service.test.ts).
  gl!.clock.advance(2 * 60_000);
  const first = await openPage({ prompt: 'create consent' });
  const callback = await passConsent(first.browser, await continueWithUpstream(first.browser, first.page, 'jon'));
  const sub = (await finishAuthorization(first.config, callback.url, first.authorization)).claims()!.sub;
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'jon')).toMatchObject({ accountId: sub });

  await gl!.store.accounts.update(sub, { disabled: true });
  const later = await openPage({});
  const refused = await continueWithUpstream(later.browser, later.page, 'jon');
  expect(refused.status).toBe(403);
  expect(textOf(refused.html, 'error-message')).toBe('This account is disabled. Contact the administrator.');
  expect((await events('login.failed')).map((e) => [e.accountId, e.reason, e.data])).toEqual([[sub, 'account_disabled', { via: 'upstream:upstream' }]]);
});

test('an upstream that cannot be reached is a 503 page with Retry-After, and the sign-in page is still there', async () => {
  await start({ signup: 'open', issuer: `http://127.0.0.1:${await freePort()}` });
  const { browser, page } = await openPage({});
  const refused = await browser.submit(page, '/federation/upstream', {});
  expect(refused.status).toBe(503);
  expect(refused.headers!.get('retry-after')).toBe('60');
  expect(textOf(refused.html, 'error-message')).toBe('The other provider cannot be reached right now. Try again in a minute.');
  const back = refused.html.match(/href="(\/interaction\/[^"]+)"/)![1]!;
  expect((await browser.get(`${gl!.url}${back}`)).status).toBe(200);
});

test('the google preset pins its Workspace domain: hd is asked for, and an account of another hd is refused', async () => {
  await start({ preset: 'google', hd: 'example.com', scopes: ['openid', 'email'], signup: 'open' });
  upstream!.accounts.set('kim', { email: 'kim@example.com', email_verified: true, hd: 'example.com' });
  upstream!.accounts.set('lee', { email: 'lee@gmail.example', email_verified: true });
  const { config, browser, authorization, page } = await openPage({ prompt: 'create consent' });
  const atUpstream = await browser.submit(page, '/federation/upstream', {}, (location) => location.startsWith(upstream!.issuer));
  expect(new URL(atUpstream.url).searchParams.get('hd')).toBe('example.com');
  const callback = await passConsent(browser, await browser.submit(await browser.get(atUpstream.url), '/login', { login: 'kim' }, isCallback));
  expect((await finishAuthorization(config, callback.url, authorization)).claims()!.email).toBe('kim@example.com');

  const other = await openPage({ prompt: 'create' });
  expect((await continueWithUpstream(other.browser, other.page, 'lee')).status).toBe(403);
  expect((await events('federation.rejected')).map((e) => e.reason)).toEqual(['domain_not_allowed']);

  // Kim leaves the Workspace: her link no longer signs her in.
  upstream!.accounts.set('kim', { email: 'kim@example.com', email_verified: true });
  const after = await openPage({});
  const refused = await continueWithUpstream(after.browser, after.page, 'kim');
  expect(refused.status).toBe(403);
  expect(textOf(refused.html, 'error-message')).toBe('Accounts from this email domain cannot join here.');
});

test('allowed_domains counts only a verified email: an unverified address in the domain does not place the account there', async () => {
  await start({ signup: 'link_only', allowed_domains: ['friends.org'] });
  const member = await signUpMember(gl!, 'pat@example.com');
  upstream!.accounts.set('pat-upstream', { email: 'pat@friends.org', email_verified: false });
  const accountPage = await member.browser.get(`${gl!.url}/account`);
  const atUpstream = await member.browser.submit(accountPage, '/account/federation/upstream/link', {});
  const refused = await member.browser.submit(atUpstream, '/login', { login: 'pat-upstream' });
  expect(refused.status).toBe(403);
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'pat-upstream')).toBeNull();
  expect((await events('federation.rejected')).map((e) => [e.reason, e.accountId])).toEqual([['domain_not_allowed', member.sub]]);
});

test('the entra preset pins its tenant, and takes xms_edov as the email\'s verification', async () => {
  const tenant = '11111111-2222-3333-4444-555555555555';
  await start({ preset: 'entra', tenant, scopes: ['openid', 'email'], signup: 'open' });
  upstream!.accounts.set('mo', { email: 'mo@contoso.example', tid: tenant, xms_edov: true });
  upstream!.accounts.set('ned', { email: 'ned@fabrikam.example', tid: '99999999-2222-3333-4444-555555555555', xms_edov: true });
  upstream!.accounts.set('oz', { email: 'oz@contoso.example', tid: tenant });
  const { config, browser, authorization, page } = await openPage({ prompt: 'create consent' });
  const callback = await passConsent(browser, await continueWithUpstream(browser, page, 'mo'));
  expect((await finishAuthorization(config, callback.url, authorization)).claims()!).toMatchObject({ email: 'mo@contoso.example', email_verified: true });

  for (const login of ['ned', 'oz']) {
    const other = await openPage({ prompt: 'create' });
    expect((await continueWithUpstream(other.browser, other.page, login)).status).toBe(403);
  }
  expect((await events('federation.rejected')).map((e) => e.reason)).toEqual(['email_unverified', 'domain_not_allowed']);
});

test('the same upstream account signing up many times at once gets one account, keeps its link, and each browser is signed in to it or told to retry', async () => {
  await start({ signup: 'open' }, { RATE_LIMIT_REGISTRATIONS: '1000' });
  upstream!.accounts.set('zed', { email: 'zed@example.com', email_verified: true });
  const browsers = await Promise.all(Array.from({ length: 10 }, () => openPage({ prompt: 'create consent' })));
  const outcomes = await Promise.all(browsers.map(({ browser, page }) => continueWithUpstream(browser, page, 'zed')));
  const accounts = (await gl!.store.accounts.list({}, { limit: 10 })).items;
  expect(accounts).toHaveLength(1);
  // The one link survives every racer: none took it for a stale one while its account was being made.
  expect(await gl!.store.federatedIdentities.findBySubject(upstream!.issuer, 'zed')).toMatchObject({ accountId: accounts[0]!.id });
  expect(await events('registration.succeeded')).toHaveLength(1);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 409) {
      expect(textOf(outcome.html, 'error-message')).toBe('This account is being created right now. Try again in a moment.');
      continue;
    }
    const callback = await passConsent(browsers[i]!.browser, outcome);
    expect((await finishAuthorization(browsers[i]!.config, callback.url, browsers[i]!.authorization)).claims()!.sub).toBe(accounts[0]!.id);
  }
});
