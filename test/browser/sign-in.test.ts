// A returning member signs in through the hosted sign-in page in Chromium: the page tells newcomers
// that sign-up needs an invitation, a wrong password is announced, focus is visible; axe on each state.
import type { Browser } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';
import { appCallbackPage, exchangeCode, pkcePair, demoAuthorizeUrl, signUpFromLink } from '../support/browser-app.ts';

let gl: RunningGuestlist;
let browser: Browser;

beforeAll(async () => {
  gl = await startGuestlist();
  browser = await launchBrowser();
  // The member signs up from her invitation in another browser profile first.
  const invite = await createInvite(gl, { email: 'maya@example.com' });
  const signUp = await openContext(browser);
  await signUpFromLink(signUp.page, invite.url, 'maya knows her password');
  await signUp.context.close();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

test('a returning member signs in; the page tells newcomers an invitation is needed', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('http://localhost:5173/**', appCallbackPage);
  const { verifier, challenge } = pkcePair();
  const authorize = demoAuthorizeUrl(gl.url, challenge, { state: 'returning' });

  await page.goto(authorize);
  await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
  await expect(page.locator('.hint').textContent()).resolves.toContain('New here? You need an invitation to create an account.');
  await expectGoodPage(tracked, 'sign-in');

  // Keyboard focus is visible: the focused field gets an outline.
  await page.getByLabel('Email').focus();
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('password');
  const outline = await page.getByLabel('Password').evaluate((input) => getComputedStyle(input).outlineStyle);
  expect(outline).not.toBe('none');

  await page.getByLabel('Email').fill('maya@example.com');
  await page.getByLabel('Password').fill('not her password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForLoadState('load');
  await expect(page.getByRole('alert').textContent()).resolves.toBe('The email or password is not correct.');
  // What was typed comes back; the password never does.
  await expect(page.getByLabel('Email').inputValue()).resolves.toBe('maya@example.com');
  await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
  await expectGoodPage(tracked, 'sign-in-wrong-password');

  await page.getByLabel('Password').fill('maya knows her password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/interaction\//);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/^http:\/\/localhost:5173\/callback/);
  const callback = new URL(page.url());
  const tokens = await exchangeCode(gl.url, callback.searchParams.get('code')!, verifier);
  expect(tokens.claims.email).toBe('maya@example.com');
  await tracked.context.close();
});
