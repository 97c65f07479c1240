// A member creates an invitation on /account in Chromium, copies its link with the Copy button,
// and the link works; then revokes it. axe and the page checks on every state.
import type { Browser } from 'playwright-core';
import { createInvite, getJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { signUpFromLink } from '../support/browser-app.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';

let gl: RunningGuestlist;
let browser: Browser;

beforeAll(async () => {
  gl = await startGuestlist({ env: { MAX_INVITES_PER_USER: '2' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

test('a member creates an invitation on /account, copies its link, and revokes it', async () => {
  const tracked = await openContext(browser);
  const { page, context } = tracked;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gl.url });

  // She joined through her own invitation: the session from that sign-up opens /account.
  const own = await createInvite(gl, { email: 'nora@example.com' });
  await signUpFromLink(page, own.url, 'nora has a password');

  await page.goto(`${gl.url}/account`);
  await expect(page.locator('#account-email').textContent()).resolves.toBe('nora@example.com');
  await expect(page.locator('#quota-left').textContent()).resolves.toContain('2 of 2');
  await expectGoodPage(tracked, 'account');

  await page.getByLabel('Email', { exact: false }).first().fill('friend.of.nora@example.com');
  await page.getByRole('button', { name: /create/i }).click();
  await page.waitForLoadState('load');
  const link = await page.locator('#invite-link').inputValue();
  expect(link).toMatch(new RegExp(`^${gl.url}/invite/[A-Za-z0-9_-]{43}$`));
  await expect(page.locator('#quota-left').textContent()).resolves.toContain('1 of 2');
  await expectGoodPage(tracked, 'account-created');

  // The Copy button (a small external script; the readonly field works without it).
  const copy = page.locator('#copy-invite-link');
  await expect(copy.isVisible()).resolves.toBe(true);
  await copy.click();
  await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(link);

  const token = link.split('/').pop()!;
  expect((await getJson(`${gl.url}/api/invites/${token}`)).body).toMatchObject({ valid: true, email: 'friend.of.nora@example.com' });

  // The link is shown once: a reload no longer carries it.
  await page.goto(`${gl.url}/account`);
  await expect(page.locator('#invite-link').count()).resolves.toBe(0);

  await page.getByRole('button', { name: 'Withdraw friend.of.nora@example.com' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#invite-list tbody tr').first().getAttribute('data-status')).resolves.toBe('revoked');
  await expect(page.locator('#quota-left').textContent()).resolves.toContain('2 of 2');
  expect((await getJson(`${gl.url}/api/invites/${token}`)).body).toEqual({ valid: false, reason: 'revoked' });
  await expectGoodPage(tracked, 'account-revoked');
  await context.close();
});
