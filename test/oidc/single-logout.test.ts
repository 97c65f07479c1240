// Single logout: signing out at Guestlist, or being disabled or deleted by an admin, reaches every
// app that registered a backchannel_logout_uri, as a logout token its receiver verifies. An app
// that proves the session with its id_token_hint signs the person out without a question.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormClient } from '../support/browser-form.ts';
import { adminToken, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { authorize, discoverAs, signUpThrough, type TestApp } from '../support/app-sign-up.ts';
import { startLogoutReceiver, type LogoutReceiverServer } from '../support/logout-receiver.ts';
import { oidc } from '../support/relying-party.ts';

const app = (name: string): TestApp => ({ client_id: name, client_secret: `${name}-secret-long-enough-0123456789`, redirect_uri: `http://${name}.test/cb` });
const NEWS = app('news-app');
const SHOP = app('shop-app');
const PLAIN = app('plain-app');
const signedOutAt = (a: TestApp) => `http://${a.client_id}.test/signed-out`;

let gl: RunningGuestlist;
let news: LogoutReceiverServer;
let shop: LogoutReceiverServer;

beforeAll(async () => {
  news = await startLogoutReceiver({ clientId: NEWS.client_id });
  shop = await startLogoutReceiver({ clientId: SHOP.client_id });
  const entry = (a: TestApp, extra: Record<string, unknown> = {}) => ({
    client_id: a.client_id,
    client_secret: a.client_secret,
    redirect_uris: [a.redirect_uri],
    post_logout_redirect_uris: [signedOutAt(a)],
    first_party: true,
    ...extra,
  });
  const file = join(mkdtempSync(join(tmpdir(), 'guestlist-slo-')), 'clients.json');
  writeFileSync(file, JSON.stringify([entry(NEWS, { backchannel_logout_uri: news.url }), entry(SHOP, { backchannel_logout_uri: shop.url }), entry(PLAIN)]));
  gl = await startGuestlist({ env: { CLIENTS_FILE: file } });
  news.issuer = gl.url;
  shop.issuer = gl.url;
});
afterAll(async () => {
  await gl.stop();
  await news.close();
  await shop.close();
});
beforeEach(() => {
  for (const receiver of [news, shop]) {
    receiver.received.length = 0;
    receiver.refused.length = 0;
  }
});

const claimsOf = (tokens: { claims(): Record<string, unknown> | undefined }) => tokens.claims()!;
const signInWith = (browser: FormClient, a: TestApp, email: string) =>
  authorize(gl, a, { browser, form: { path: '/login', fields: { email, password: 'a long enough password' } } });

/** Whether the browser's Guestlist session still signs it in to `a` silently (prompt=none). */
async function stillSignedIn(browser: FormClient, a: TestApp): Promise<boolean> {
  const config = await discoverAs(gl.url, a);
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: a.redirect_uri,
    scope: 'openid',
    prompt: 'none',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const page = await browser.get(url.toString(), (location) => location.startsWith(a.redirect_uri));
  const callback = new URL(page.url);
  if (callback.searchParams.get('error') === 'login_required') return false;
  if (callback.searchParams.get('code')) return true;
  throw new Error(`unexpected answer to prompt=none: ${page.url}`);
}

function logoutUrl(idToken: string | undefined, a: TestApp, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...(idToken ? { id_token_hint: idToken } : {}), post_logout_redirect_uri: signedOutAt(a), ...extra });
  return `${gl.url}/session/end?${query}`;
}

test('every ID token carries the sid of its session with that app, back-channel app or not', async () => {
  const { browser, tokens } = await signUpThrough(gl, NEWS, 'sid@example.com');
  const plain = await authorize(gl, PLAIN, { browser });
  const newsSid = claimsOf(tokens).sid;
  const plainSid = claimsOf(plain.tokens).sid;
  expect(typeof newsSid).toBe('string');
  expect(typeof plainSid).toBe('string');
  expect(plainSid).not.toBe(newsSid);
});

test('an app that proves the session signs the person out without a question, and every back-channel app hears of it', async () => {
  const { browser, tokens } = await signUpThrough(gl, NEWS, 'ada@example.com');
  const fromShop = await authorize(gl, SHOP, { browser });
  await authorize(gl, PLAIN, { browser });
  const sub = claimsOf(tokens).sub;

  const page = await browser.get(logoutUrl(tokens.id_token, NEWS, { state: 'back-to-news' }));
  expect(page.status).toBe(200);
  expect(page.html).toContain('<script src="/assets/logout-submit.js"></script>');
  expect(page.html).not.toContain('Do you want to sign out');
  // What the script does: submit the form, which says logout=yes.
  const done = await browser.submit(page, '/session/end/confirm', {}, (location) => location.startsWith(signedOutAt(NEWS)));
  expect(done.url).toBe(`${signedOutAt(NEWS)}?state=back-to-news`);

  expect(news.refused).toEqual([]);
  expect(shop.refused).toEqual([]);
  expect(news.received).toEqual([expect.objectContaining({ sub, sid: claimsOf(tokens).sid, aud: NEWS.client_id })]);
  expect(shop.received).toEqual([expect.objectContaining({ sub, sid: claimsOf(fromShop.tokens).sid, aud: SHOP.client_id })]);
  expect(await stillSignedIn(browser, PLAIN)).toBe(false);
});

test('the submit script is served from the issuer, as the CSP requires', async () => {
  const response = await fetch(`${gl.url}/assets/logout-submit.js`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/javascript/);
  expect(await response.text()).toContain("document.getElementById('op.logoutForm').submit()");
});

test.each([
  { case: 'no id_token_hint', hint: () => undefined, redirect: true },
  { case: "another person's ID token", hint: (other: string) => other, redirect: true },
  { case: 'no post_logout_redirect_uri to return to', hint: (_other: string, own: string) => own, redirect: false },
])('with $case the person is asked, and nothing happens until they answer', async ({ hint, redirect }) => {
  const other = await signUpThrough(gl, NEWS, `other-${Math.random().toString(36).slice(2)}@example.com`);
  const { browser, tokens } = await signUpThrough(gl, NEWS, `asked-${Math.random().toString(36).slice(2)}@example.com`);
  const idToken = hint(other.tokens.id_token!, tokens.id_token!);
  const url = redirect ? logoutUrl(idToken, NEWS) : `${gl.url}/session/end?id_token_hint=${idToken}`;
  const page = await browser.get(url);
  expect(page.status).toBe(200);
  expect(page.html).toContain('Do you want to sign out of Guestlist?');
  expect(page.html).not.toContain('logout-submit.js');
  expect(news.received).toEqual([]);
  expect(await stillSignedIn(browser, NEWS)).toBe(true);
});

test('disabling an account signs it out of every back-channel app, on every device', async () => {
  const { browser: laptop, tokens } = await signUpThrough(gl, NEWS, 'grace@example.com');
  const phone = new FormClient();
  const onPhone = await signInWith(phone, NEWS, 'grace@example.com');
  const shopOnPhone = await authorize(gl, SHOP, { browser: phone });
  const sub = claimsOf(tokens).sub as string;

  const answer = await postJson(`${gl.url}/admin/users/${sub}/disable`, {}, await adminToken(gl));
  expect(answer.status).toBe(200);

  expect(news.refused).toEqual([]);
  expect(news.received.map((token) => [token.sub, token.sid]).sort()).toEqual(
    [
      [sub, claimsOf(tokens).sid],
      [sub, claimsOf(onPhone.tokens).sid],
    ].sort(),
  );
  expect(shop.received).toEqual([expect.objectContaining({ sub, sid: claimsOf(shopOnPhone.tokens).sid })]);
  expect(await stillSignedIn(laptop, NEWS)).toBe(false);
  expect(await stillSignedIn(phone, SHOP)).toBe(false);
});

test('deleting an account signs it out of the back-channel apps too', async () => {
  const { tokens } = await signUpThrough(gl, SHOP, 'deleted@example.com');
  const sub = claimsOf(tokens).sub as string;
  const response = await fetch(`${gl.url}/admin/users/${sub}`, { method: 'DELETE', headers: { Authorization: `Bearer ${await adminToken(gl)}` } });
  expect(response.status).toBe(204);
  expect(shop.received).toEqual([expect.objectContaining({ sub, sid: claimsOf(tokens).sid })]);
  expect(news.received).toEqual([]);
});

test('a receiver that is down stops neither a sign-out nor a disable; each failure is logged', async () => {
  const signingOut = await signUpThrough(gl, NEWS, 'down-signout@example.com');
  const disabled = await signUpThrough(gl, NEWS, 'down-disable@example.com');
  await news.close();
  try {
    const page = await signingOut.browser.get(logoutUrl(signingOut.tokens.id_token, NEWS));
    const done = await signingOut.browser.submit(page, '/session/end/confirm', {}, (location) => location.startsWith(signedOutAt(NEWS)));
    expect(done.url).toBe(signedOutAt(NEWS));
    const failures = () => gl.logs().split('\n').filter((line) => line.includes('back-channel logout failed') && line.includes('"client_id":"news-app"'));
    expect(failures()).toHaveLength(1);

    const answer = await postJson(`${gl.url}/admin/users/${claimsOf(disabled.tokens).sub}/disable`, {}, await adminToken(gl));
    expect(answer.status).toBe(200);
    expect(answer.body.disabled).toBe(true);
    expect(failures()).toHaveLength(2);
  } finally {
    // The registered URL's port is gone for good: nothing after this test uses the news receiver.
    news = await startLogoutReceiver({ clientId: NEWS.client_id });
  }
});
