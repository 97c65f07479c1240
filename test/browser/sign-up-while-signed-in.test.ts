// Someone signed in as one member opens an app's sign-up with another person's invitation: after
// sign-up the new account is the signed-in one and the app receives its code. The earlier session
// is ended on the way (oidc-provider's own sign-out step), and nothing dead-ends.
import type { Browser } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { launchBrowser, openContext } from '../support/browser.ts';
import { appCallbackPage, demoAuthorizeUrl, exchangeCode, pkcePair, skipSecondFactorOffer } from '../support/browser-app.ts';

let gl: RunningGuestlist;
let browser: Browser;

beforeAll(async () => {
  gl = await startGuestlist();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

test('signing up with prompt=create while another member is signed in ends with the new account in the app', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('http://localhost:5173/**', appCallbackPage);

  // The first member signs up through the app and is signed in to it: the app holds a grant.
  const first = await createInvite(gl, { email: 'first-member@example.com' });
  const firstPkce = pkcePair();
  await page.goto(demoAuthorizeUrl(gl.url, firstPkce.challenge, { prompt: 'create', invite_token: first.token, state: 'first' }));
  await page.getByLabel('Password').fill('first member password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await skipSecondFactorOffer(page);
  await page.waitForURL(/\/interaction\//);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/^http:\/\/localhost:5173\/callback/);
  expect((await exchangeCode(gl.url, new URL(page.url()).searchParams.get('code')!, firstPkce.verifier)).claims.email).toBe('first-member@example.com');

  // The app sends the second invitee's sign-up to the same browser.
  const second = await createInvite(gl, { email: 'second-member@example.com' });
  const { verifier, challenge } = pkcePair();
  await page.goto(demoAuthorizeUrl(gl.url, challenge, { prompt: 'create', invite_token: second.token, state: 'second' }));
  await expect(page.locator('h1').textContent()).resolves.toBe('Create your account');
  await expect(page.getByLabel('Email').inputValue()).resolves.toBe('second-member@example.com');
  await page.getByLabel('Password').fill('second member password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await skipSecondFactorOffer(page);

  // The demo app is not first-party: the new member is asked to allow it, then lands back in it.
  await page.waitForURL(/\/interaction\//);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/^http:\/\/localhost:5173\/callback/);
  const callback = new URL(page.url());
  expect(callback.searchParams.get('state')).toBe('second');
  const tokens = await exchangeCode(gl.url, callback.searchParams.get('code')!, verifier);
  expect(tokens.claims.email).toBe('second-member@example.com');
  // The CSP stays enforced: the provider's sign-out step runs only the script it allowed by hash.
  expect(tracked.cspViolations).toEqual([]);

  // The browser is now signed in as the second member: a plain sign-in needs no password.
  expect((await fetch(`${gl.url}/healthz`)).status).toBe(200);
  const again = pkcePair();
  // Straight to the app (no page in between), so the callback is read from the request itself.
  const appCalled = page.waitForRequest(/^http:\/\/localhost:5173\/callback/);
  await page.goto(demoAuthorizeUrl(gl.url, again.challenge, { state: 'again' })).catch(() => undefined);
  const silentCallback = new URL((await appCalled).url());
  expect(silentCallback.searchParams.get('state')).toBe('again');
  const silent = await exchangeCode(gl.url, silentCallback.searchParams.get('code')!, again.verifier);
  expect(silent.claims.email).toBe('second-member@example.com');
  await tracked.context.close();
});
