// Invitation journeys in Chromium: the emailed link to a ready account, the app's prompt=create
// sign-up back to the app, and the used, expired and unknown links; every page checked with axe.
import type { Browser, Route } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';
import { appCallbackPage, exchangeCode, pkcePair, demoAuthorizeUrl, signUpFromLink, skipSecondFactorOffer } from '../support/browser-app.ts';

const DAY = 24 * 3600 * 1000;
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#0b7a75"/></svg>';

let gl: RunningGuestlist;
let browser: Browser;

beforeAll(async () => {
  gl = await startGuestlist({ env: { PRODUCT_NAME: 'Acme Beta', ACCENT_COLOR: '#0b7a75', LOGO_URL: 'https://brand.test/logo.svg' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

/** The configured logo is fetched by the browser; the test answers for its host. */
async function serveLogo(route: Route): Promise<void> {
  await route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO });
}

test('the invitation link opens sign-up with the email locked, and ends on the account-ready page', async () => {
  const invite = await createInvite(gl, { email: 'ada@example.com' });
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);

  const opened = await page.goto(invite.url);
  expect(opened?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toBe('Create your account');
  // Branded from the config: product name, logo and the accent colour in theme.css.
  await expect(page.title()).resolves.toContain('Acme Beta');
  await expect(page.locator('.brand-name').textContent()).resolves.toBe('Acme Beta');
  await expect(page.locator('img.brand-logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);
  const buttonColour = await page.locator('button[type=submit]').evaluate((button) => getComputedStyle(button).backgroundColor);
  expect(buttonColour).toBe('rgb(11, 122, 117)');

  const email = page.getByLabel('Email');
  await expect(email.inputValue()).resolves.toBe('ada@example.com');
  await expect(email.getAttribute('readonly')).resolves.not.toBeNull();
  await expect(page.locator('#invite-applied').textContent()).resolves.toContain('ada@example.com');
  await expectGoodPage(tracked, 'signup-from-invite');

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await skipSecondFactorOffer(page);
  await page.waitForURL(/\/account\/welcome/);
  await expect(page.locator('h1').textContent()).resolves.toBe('Your account is ready');
  await expect(page.locator('main').textContent()).resolves.toContain('ada@example.com');
  await expectGoodPage(tracked, 'account-ready');
  await tracked.context.close();
});

test('the same journey works with JavaScript turned off', async () => {
  const invite = await createInvite(gl, { email: 'nojs@example.com' });
  const tracked = await openContext(browser, { javaScriptEnabled: false });
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);
  await signUpFromLink(page, invite.url, 'a long enough password');
  await expect(page.locator('h1').textContent()).resolves.toBe('Your account is ready');
  await tracked.context.close();
});

test('sign-up problems are shown next to their field and announced, and the page passes axe', async () => {
  const invite = await createInvite(gl, { email: 'short@example.com' });
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);
  await page.goto(invite.url);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForLoadState('load');
  const password = page.getByLabel('Password');
  await expect(password.getAttribute('aria-invalid')).resolves.toBe('true');
  const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
  expect(describedBy.split(' ')).toContain('password-error');
  // The message sits right under the field it concerns.
  await expect(page.locator('.field:has(#password) #password-error').textContent()).resolves.toMatch(/Password/);
  await expectGoodPage(tracked, 'signup-field-error');
  await tracked.context.close();
});

test('the app starts sign-up with prompt=create and an invitation, and gets the person back signed in', async () => {
  const invite = await createInvite(gl, { email: 'grace@example.com' });
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);
  // The demo app's callback: answered here, as the app would.
  await page.route('http://localhost:5173/**', appCallbackPage);
  const { verifier, challenge } = pkcePair();
  const authorize = demoAuthorizeUrl(gl.url, challenge, { state: 'state-1', prompt: 'create', invite_token: invite.token });

  await page.goto(authorize);
  await expect(page.locator('h1').textContent()).resolves.toBe('Create your account');
  await expect(page.locator('.lead').first().textContent()).resolves.toContain('Demo app');
  await expect(page.getByLabel('Invitation').inputValue()).resolves.toBe(invite.token);
  await expectGoodPage(tracked, 'signup-from-app');
  await page.getByLabel('Password').fill('grace has a good password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await skipSecondFactorOffer(page);

  // A third-party app asks for consent once.
  await page.waitForURL(/\/interaction\//);
  await expect(page.locator('h1').textContent()).resolves.toBe('Allow access');
  await expectGoodPage(tracked, 'consent');
  await page.getByRole('button', { name: 'Allow' }).click();

  await page.waitForURL(/^http:\/\/localhost:5173\/callback/);
  const callback = new URL(page.url());
  expect(callback.searchParams.get('state')).toBe('state-1');
  const tokens = await exchangeCode(gl.url, callback.searchParams.get('code')!, verifier);
  expect(tokens.claims.email).toBe('grace@example.com');
  await tracked.context.close();
});

test('sign-up without an invitation says, next to the Invitation field, that one is required', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);
  const { challenge } = pkcePair();
  const authorize = demoAuthorizeUrl(gl.url, challenge, { prompt: 'create' });
  await page.goto(authorize);
  await page.getByLabel('Email').fill('stranger@example.com');
  await page.getByLabel('Password').fill('a long enough password');
  const answer = page.waitForResponse((response) => response.url().endsWith('/register'));
  await page.getByRole('button', { name: 'Create account' }).click();
  expect((await answer).status()).toBe(403);
  await page.waitForLoadState('load');
  await expect(page.locator('.field:has(#invite_token) #invite-error').textContent()).resolves.toBe('An invitation is required to create an account.');
  await expect(page.getByLabel('Invitation').getAttribute('aria-invalid')).resolves.toBe('true');
  // What was typed comes back, except the password.
  await expect(page.getByLabel('Email').inputValue()).resolves.toBe('stranger@example.com');
  await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
  await expectGoodPage(tracked, 'signup-invite-required');
  await tracked.context.close();
});

test('a used link and an unknown link each answer their own status and message; the pages pass axe', async () => {
  const invite = await createInvite(gl, { email: 'used@example.com' });
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);
  await signUpFromLink(page, invite.url, 'a long enough password');

  const used = await page.goto(invite.url);
  expect(used?.status()).toBe(410);
  await expect(page.locator('h1').textContent()).resolves.toBe('Invitation already used');
  await expect(page.locator('#error-message').textContent()).resolves.toBe('This invitation has already been used. If it was you, sign in instead.');
  await expectGoodPage(tracked, 'invite-used');

  const unknown = await page.goto(`${gl.url}/invite/not-a-real-invitation-token`);
  expect(unknown?.status()).toBe(404);
  await expect(page.locator('#error-message').textContent()).resolves.toBe('This invitation link is not valid. Check that you copied the whole link.');
  await expectGoodPage(tracked, 'invite-unknown');
  await tracked.context.close();
});

// Last in this file: it moves the clock eight days on.
test('an expired link answers 410 with its message', async () => {
  const invite = await createInvite(gl, { email: 'late@example.com' });
  gl.clock.advance(8 * DAY);
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('https://brand.test/**', serveLogo);
  const expired = await page.goto(invite.url);
  expect(expired?.status()).toBe(410);
  await expect(page.locator('h1').textContent()).resolves.toBe('Invitation expired');
  await expect(page.locator('#error-message').textContent()).resolves.toBe('This invitation has expired. Ask the person who invited you for a new one.');
  await expectGoodPage(tracked, 'invite-expired');
  await tracked.context.close();
});
