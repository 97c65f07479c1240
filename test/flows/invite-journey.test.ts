// The whole journey with a real relying party: admin token → invite → hosted sign-up → code →
// tokens → userinfo, then sign-in, refresh, introspection and revocation.
import { decodeEntities, FormClient, textOf } from '../support/browser-form.ts';
import { adminToken, createInvite, getJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, finishAuthorization, isCallback, oidc, passConsent, RP, skipSecondFactorOffer, startAuthorization, writeClientsFile } from '../support/relying-party.ts';

let gl: RunningGuestlist;

beforeAll(async () => {
  gl = await startGuestlist({
    env: {
      CLIENTS_FILE: writeClientsFile([
        { client_id: 'other-rp', client_secret: 'other-rp-secret-long-enough-0123456789', redirect_uris: ['http://other.test/cb'], grant_types: ['authorization_code'], response_types: ['code'] },
      ]),
    },
  });
});
afterAll(() => gl.stop());

test('an invitee signs up through prompt=create and lands back in the app with tokens and claims', async () => {
  const invite = await createInvite(gl, { email: 'Ada@Example.com', roles: ['beta', 'editor'] });
  expect(invite.email).toBe('ada@example.com');
  const config = await discover(gl.url);
  expect(config.serverMetadata().prompt_values_supported).toContain('create');

  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token, scope: 'openid email offline_access' });
  const browser = new FormClient();
  const signUp = await browser.get(start.url.toString());
  expect(signUp.status).toBe(200);
  expect(signUp.html).toContain('Create your account');
  expect(signUp.html).toMatch(/id="email"[^>]*value="ada@example.com"[^>]*readonly/);

  const afterSignUp = await browser.submit(signUp, '/register', { email: 'ada@example.com', password: 'a long enough password', invite_token: invite.token }, isCallback);
  const callback = await passConsent(browser, afterSignUp);
  expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();

  const tokens = await finishAuthorization(config, callback.url, start);
  const claims = tokens.claims()!;
  expect(claims.email).toBe('ada@example.com');
  expect(claims.email_verified).toBe(true);
  expect(claims.roles).toEqual(['beta', 'editor']);
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(userinfo).toMatchObject({ sub: claims.sub, email: 'ada@example.com', email_verified: true, roles: ['beta', 'editor'] });

  const admin = await adminToken(gl);
  const stored = await getJson(`${gl.url}/admin/invites/${invite.id}`, admin);
  expect(stored.body).toMatchObject({ status: 'redeemed', uses: 1, max_uses: 1 });
  expect(stored.body.redemptions).toEqual([expect.objectContaining({ account_id: claims.sub, email: 'ada@example.com' })]);
});

test('a returning member signs in, refreshes, and a revoked refresh token stops working', async () => {
  const invite = await createInvite(gl, { email: 'grace@example.com' });
  const config = await discover(gl.url);
  const first = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token });
  const signUp = await first.get(start.url.toString());
  await passConsent(first, await first.submit(signUp, '/register', { email: 'grace@example.com', password: 'another good password', invite_token: invite.token }, isCallback));

  // A new browser, a normal sign-in (no prompt): the sign-in page, which tells newcomers about invitations.
  const browser = new FormClient();
  // offline_access is only honoured with prompt=consent (OIDC Core §11).
  const signInStart = await startAuthorization(config, { scope: 'openid email offline_access', prompt: 'consent' });
  const signIn = await browser.get(signInStart.url.toString());
  expect(signIn.html).toContain('Sign in');
  expect(signIn.html).toContain('You need an invitation to create an account');
  const wrong = await browser.submit(signIn, '/login', { email: 'grace@example.com', password: 'not the password' });
  expect(wrong.status).toBe(401);
  expect(textOf(wrong.html, 'form-error')).toBe('The email or password is not correct.');
  const callback = await passConsent(browser, await browser.submit(wrong, '/login', { email: 'GRACE@example.com ', password: 'another good password' }, isCallback));
  const tokens = await finishAuthorization(config, callback.url, signInStart);
  expect(tokens.refresh_token).toBeTruthy();

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.access_token).toBeTruthy();
  const introspected = await oidc.tokenIntrospection(config, refreshed.access_token);
  expect(introspected.active).toBe(true);
  expect(introspected.sub).toBe(tokens.claims()!.sub);

  // Another app can neither inspect nor revoke this app's tokens.
  const other = await oidc.discovery(new URL(gl.url), 'other-rp', 'other-rp-secret-long-enough-0123456789', undefined, { execute: [oidc.allowInsecureRequests] });
  expect((await oidc.tokenIntrospection(other, refreshed.access_token)).active).toBe(false);
  await oidc.tokenRevocation(other, refreshed.access_token);
  expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);

  await oidc.tokenRevocation(config, refreshed.refresh_token ?? tokens.refresh_token!);
  await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token ?? tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('the invitation link leads to the sign-up page with the email locked, then to the account-ready page', async () => {
  const invite = await createInvite(gl, { email: 'linus@example.com' });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  expect(page.status).toBe(200);
  expect(page.html).toMatch(/id="email"[^>]*value="linus@example.com"[^>]*readonly/);
  expect(textOf(page.html, 'invite-applied')).toContain('linus@example.com');
  const offered = await browser.submit(page, '/register', { email: 'linus@example.com', password: 'password for linus', invite_token: invite.token });
  const done = await skipSecondFactorOffer(browser, offered);
  expect(done.status).toBe(200);
  expect(done.html).toContain('Your account is ready');
  expect(done.html).toContain('linus@example.com');
  // The same link now answers 410 with its own message.
  const again = await new FormClient().get(invite.url);
  expect(again.status).toBe(410);
  expect(textOf(again.html, 'error-message')).toBe('This invitation has already been used. If it was you, sign in instead.');
});

test('an invite naming an app sends the invitee to its initiate_login_uri after sign-up', async () => {
  const invite = await createInvite(gl, { email: 'kay@example.com', client_id: RP.client_id });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  const toApp = (location: string) => location.startsWith('https://rp.test/login');
  const landed = await skipSecondFactorOffer(browser, await browser.submit(page, '/register', { email: 'kay@example.com', password: 'password for kay!' }, toApp), toApp);
  const target = new URL(landed.url);
  expect(target.origin + target.pathname).toBe('https://rp.test/login');
  expect(target.searchParams.get('iss')).toBe(gl.url);
  expect(target.searchParams.get('login_hint')).toBe('kay@example.com');
  // The app registered no client_uri, so there is no page to name as target_link_uri.
  expect(target.searchParams.has('target_link_uri')).toBe(false);
  // The app's own sign-in then completes from the session, without a password.
  const config = await discover(gl.url);
  const start = await startAuthorization(config, { login_hint: 'kay@example.com' });
  const callback = await passConsent(browser, await browser.get(start.url.toString(), isCallback));
  const tokens = await finishAuthorization(config, callback.url, start);
  expect(tokens.claims()!.email).toBe('kay@example.com');
});

test('an admin token by client_credentials is accepted; an ID token or no token is a 401, a member token a 403', async () => {
  const admin = await adminToken(gl);
  expect((await getJson(`${gl.url}/admin/invites`, admin)).status).toBe(200);
  const none = await getJson(`${gl.url}/admin/invites`);
  expect(none.status).toBe(401);
  expect(none.body.error).toBe('invalid_token');

  const invite = await createInvite(gl, { email: 'mo@example.com' });
  const config = await discover(gl.url);
  const browser = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token, scope: 'openid email invites' });
  const signUp = await browser.get(start.url.toString());
  const callback = await passConsent(browser, await browser.submit(signUp, '/register', { email: 'mo@example.com', password: 'password for mo!' }, isCallback));
  const tokens = await finishAuthorization(config, callback.url, start);
  const member = await getJson(`${gl.url}/admin/invites`, tokens.access_token);
  expect(member.status).toBe(403);
  expect(member.body.error).toBe('insufficient_scope');
  const idToken = await getJson(`${gl.url}/admin/invites`, tokens.id_token);
  expect(idToken.status).toBe(401);
});

test('someone who already has an account and opens an invitation is offered to sign in instead', async () => {
  const first = await createInvite(gl, { email: 'twice@example.com' });
  const browser = new FormClient();
  const page = await browser.get(first.url);
  await browser.submit(page, '/register', { email: 'twice@example.com', password: 'password for twice' });
  const second = await createInvite(gl, { email: 'twice@example.com' });
  const other = new FormClient();
  const offer = await other.get(second.url);
  expect(offer.status).toBe(200);
  expect(textOf(offer.html, 'form-error')).toContain('You already have an account with this email. Sign in instead.');
  expect(decodeEntities(offer.html)).toMatch(/href="\/interaction\/[^"]+\/login\?email=twice%40example.com"/);
  // Trying anyway is refused with email_taken, and the second invitation stays unused.
  const refused = await other.submit(offer, '/register', { email: 'twice@example.com', password: 'password for twice' });
  expect(refused.status).toBe(409);
  const admin = await adminToken(gl);
  expect((await getJson(`${gl.url}/admin/invites/${second.id}`, admin)).body.uses).toBe(0);
});

test('an invite_token without prompt=create opens the sign-up page too, with the invitation applied', async () => {
  const invite = await createInvite(gl, { email: 'plain@example.com' });
  const config = await discover(gl.url);
  const start = await startAuthorization(config, { invite_token: invite.token });
  const browser = new FormClient();
  const page = await browser.get(start.url.toString());
  expect(page.status).toBe(200);
  expect(page.html).toContain('Create your account');
  expect(page.html).toMatch(/id="email"[^>]*value="plain@example.com"[^>]*readonly/);
  const callback = await passConsent(browser, await browser.submit(page, '/register', { password: 'plain old password' }, isCallback));
  const tokens = await finishAuthorization(config, callback.url, start);
  expect(tokens.claims()!.email).toBe('plain@example.com');
});
