// In Chromium: an invitation accepted with "Continue with Upstream" (a second oidc-provider on
// loopback), a later sign-in with the same button, and linking and unlinking on /account.
// axe and the page checks (CSP, 320 px, layout shift) on every page of ours.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { signUpFromLink } from '../support/browser-app.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';
import { freePort, startUpstream, type RunningUpstream } from '../support/upstream-idp.ts';

let gl: RunningGuestlist;
let upstream: RunningUpstream;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  upstream = await startUpstream(`http://127.0.0.1:${port}/federation/upstream/callback`);
  const file = join(mkdtempSync(join(tmpdir(), 'guestlist-upstream-')), 'config.json');
  writeFileSync(file, JSON.stringify({ upstream_providers: [{ id: 'upstream', name: 'Upstream', issuer: upstream.issuer, client_id: upstream.clientId, client_secret: upstream.clientSecret, signup: 'invite_required' }] }));
  gl = await startGuestlist({ port, env: { GUESTLIST_CONFIG: file } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
  await upstream?.stop();
});

/** The upstream's own sign-in form (not ours: not checked here). */
async function signInUpstream(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(`${upstream.issuer}/interaction/`));
  await page.getByLabel('Login').fill(login);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('an invitation accepted with Continue with Upstream, then a sign-in with it; the only way in cannot be unlinked', async () => {
  upstream.accounts.set('gina', { email: 'gina@example.com', email_verified: true });
  const invite = await createInvite(gl, { email: 'gina@example.com', roles: ['beta'] });
  const tracked = await openContext(browser);
  const { page, context } = tracked;

  await page.goto(invite.url);
  const button = page.getByRole('button', { name: 'Continue with Upstream' });
  await expect(button.isVisible()).resolves.toBe(true);
  await expectGoodPage(tracked, 'signup-with-upstream');
  await button.click();
  await signInUpstream(page, 'gina');
  await page.waitForURL(/\/account\/welcome/);
  await expectGoodPage(tracked, 'welcome-after-upstream');

  await page.goto(`${gl.url}/account`);
  await expect(page.locator('#account-email').textContent()).resolves.toBe('gina@example.com');
  await expect(page.locator('#link-upstream').textContent()).resolves.toContain('Upstream');
  await expectGoodPage(tracked, 'account-linked-accounts');
  await page.getByRole('button', { name: 'Unlink Upstream' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#error-message').textContent()).resolves.toBe('This is your only way to sign in, so it cannot be removed.');
  await expectGoodPage(tracked, 'unlink-refused');
  await context.close();

  // Another browser: the sign-in page offers the same button, and it signs Gina in.
  const second = await openContext(browser);
  await second.page.goto(`${gl.url}/account`);
  await second.page.locator('#account-sign-in').click();
  await second.page.waitForLoadState('load');
  await expect(second.page.getByRole('button', { name: 'Continue with Upstream' }).isVisible()).resolves.toBe(true);
  await expectGoodPage(second, 'signin-with-upstream');
  await second.page.getByRole('button', { name: 'Continue with Upstream' }).click();
  await signInUpstream(second.page, 'gina');
  await expect(second.page.locator('#account-email').textContent()).resolves.toBe('gina@example.com');
  expect(new URL(second.page.url()).pathname).toBe('/account');
  await second.context.close();
});

test('a member with a password links an upstream account on /account, then unlinks it', async () => {
  upstream.accounts.set('hank-upstream', { email: 'hank.elsewhere@example.org', email_verified: true });
  const invite = await createInvite(gl, { email: 'hank@example.com' });
  const tracked = await openContext(browser);
  const { page, context } = tracked;
  await signUpFromLink(page, invite.url, 'hank has a password');

  await page.goto(`${gl.url}/account`);
  await expect(page.locator('#no-links').isVisible()).resolves.toBe(true);
  await page.getByRole('button', { name: 'Link Upstream' }).click();
  await signInUpstream(page, 'hank-upstream');
  await page.waitForURL(`${gl.url}/account?federation=linked`);
  await expect(page.locator('#linked-notice').textContent()).resolves.toBe('The account is linked. You can now sign in with it.');
  await expect(page.locator('#link-upstream').textContent()).resolves.toContain('hank.elsewhere@example.org');
  await expectGoodPage(tracked, 'account-linked');

  await page.getByRole('button', { name: 'Unlink Upstream' }).click();
  await page.waitForURL(`${gl.url}/account?federation=unlinked`);
  await expect(page.locator('#linked-notice').textContent()).resolves.toBe('The account is unlinked.');
  await expect(page.locator('#no-links').isVisible()).resolves.toBe(true);
  await expectGoodPage(tracked, 'account-unlinked');
  await context.close();
});
