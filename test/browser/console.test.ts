// The admin console in Chromium: the owner's invitation from the start banner into the console;
// then, as an admin, a new invitation opened in a second browser to sign up, the overview
// reflecting it, a CSV import with a bad row, revoke and resend, disabling a person whose app
// session then ends, and the audit filter and export. axe, CSP, 320 px and a screenshot on every screen.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { join } from 'node:path';
import { SCREENSHOT_DIR, expectGoodPage, launchBrowser, openContext, screenshot, type TrackedContext } from '../support/browser.ts';
import { appCallbackPage, demoAuthorizeUrl, exchangeCode, pkcePair, signUpFromLink, skipSecondFactorOffer } from '../support/browser-app.ts';
import { startChildGuestlist } from '../support/child-guestlist.ts';

let gl: RunningGuestlist;
let browser: Browser;
let admin: TrackedContext;

beforeAll(async () => {
  gl = await startGuestlist();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

/** The console's own sign-in page moves on by itself (a meta refresh), landing on `path`. */
async function openConsole(page: Page, path = '/console'): Promise<void> {
  await page.goto(`${gl.url}${path}`);
  await page.waitForURL(`${gl.url}${path}`);
  await page.waitForLoadState('load');
}

test('the owner invitation printed on a fresh start leads into the console', async () => {
  const child = await startChildGuestlist();
  try {
    const link = /Owner invitation: (\S+)/.exec(child.output())?.[1];
    expect(link).toMatch(new RegExp(`^${child.url}/invite/[A-Za-z0-9_-]{43}$`));
    expect(child.output()).toContain(`Admin console:    ${child.url}/console`);
    const tracked = await openContext(browser);
    const { page } = tracked;
    await page.goto(link!);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('the owner password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await skipSecondFactorOffer(page);
    await page.waitForURL(/\/account\/welcome/);
    await page.getByRole('link', { name: 'Open the admin console' }).click();
    await page.waitForURL(`${child.url}/console`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Overview');
    await expect(page.locator('#console-user-email').textContent()).resolves.toBe('owner@example.com');
    await expect(page.locator('#console-user-role').textContent()).resolves.toBe('admin');
    // One-time: the link is used up.
    expect((await page.goto(link!))?.status()).toBe(410);
    await tracked.context.close();
  } finally {
    await child.stop();
  }
});

test('an admin signs in; the console is keyboard usable with visible focus', async () => {
  const invite = await createInvite(gl, { email: 'ada@example.com', roles: ['admin'] });
  admin = await openContext(browser);
  await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gl.url });
  await signUpFromLink(admin.page, invite.url, 'ada has a long password');
  await openConsole(admin.page);
  const { page } = admin;
  await expect(page.locator('h1').textContent()).resolves.toBe('Overview');
  await expectGoodPage(admin, 'console-overview-empty');

  // The first Tab reaches the skip link, which takes focus to the content; focus is outlined.
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
  await expect(page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).resolves.toBe('solid');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Overview');
  await expect(page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).resolves.toBe('solid');
  // The navigation is reached and followed with the keyboard alone.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${gl.url}/console/invitations`);
});

let bobLink = '';

test('a new invitation shows its link once with a copy button and a QR code; a second browser signs up with it', async () => {
  const { page } = admin;
  await openConsole(page, '/console/new-invitation');
  await expectGoodPage(admin, 'console-new-invitation');
  await page.getByLabel('Email (optional)').fill('bob@example.com');
  await page.getByLabel('Roles (optional)').fill('beta');
  await page.getByLabel('Note (optional)').fill('for the launch');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('h1').textContent()).resolves.toBe('Invitation created');
  bobLink = await page.locator('#invite-link').inputValue();
  expect(bobLink).toMatch(new RegExp(`^${gl.url}/invite/[A-Za-z0-9_-]{43}$`));
  await expect(page.locator('#invite-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);
  await page.locator('#copy-invite-link').click();
  await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(bobLink);
  await expectGoodPage(admin, 'console-invitation-link');

  const bob = await openContext(browser);
  await signUpFromLink(bob.page, bobLink, 'bob has a long password');
  await expect(bob.page.locator('main').textContent()).resolves.toContain('bob@example.com');
  await bob.context.close();
});

test('the overview reflects the invitation and its sign-up', async () => {
  const { page } = admin;
  // The figures are cached for a minute.
  gl.clock.advance(2 * 60_000);
  await openConsole(page);
  await expect(page.locator('#count-redeemed').textContent()).resolves.toBe('2');
  const today = gl.clock.now().toISOString().slice(0, 10);
  const cell = (series: string) => page.locator(`#activity-table tr[data-day="${today}"] td[data-series="${series}"]`).textContent();
  await expect(cell('created')).resolves.toBe('2');
  await expect(cell('opened')).resolves.toBe('2');
  await expect(cell('redeemed')).resolves.toBe('2');
  await expect(cell('signups')).resolves.toBe('2');
  await expect(page.locator('#funnel-redeemed .funnel-count').textContent()).resolves.toBe('2');
  await expect(page.locator('#chart-invitations-desc').textContent()).resolves.toContain('2 created, 2 opened, 2 redeemed');
  await expectGoodPage(admin, 'console-overview');
  // The README's picture (docs/console.png is a copy): the first screen at a laptop's width.
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-readme.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  await openConsole(page, '/console/invitations');
  await expect(page.locator('#invitation-list tbody tr')).toBeDefined();
  await expect(page.locator('#invitation-list tbody tr').count()).resolves.toBe(2);
  await expectGoodPage(admin, 'console-invitations');
  await page.getByRole('link', { name: 'bob@example.com' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#invite-status').textContent()).resolves.toBe('Redeemed');
  // Oldest first (the email's invite.sent lands whenever the mail worker gets to it).
  const timeline = await page.locator('#timeline li').evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
  expect(timeline.filter((type) => type !== 'invite.sent')).toEqual(['invite.created', 'invite.viewed', 'invite.redeemed', 'registration.succeeded']);
  await expect(page.locator('#produced').textContent()).resolves.toContain('bob@example.com');
  await expectGoodPage(admin, 'console-invitation-detail');
});

let importedOpenLink = '';

test('a CSV import previews a bad row beside its error, creates the rest, and the results download', async () => {
  const { page } = admin;
  await openConsole(page, '/console/import');
  await expectGoodPage(admin, 'console-import');
  await page.getByLabel('CSV file').setInputFiles({ name: 'guests.csv', mimeType: 'text/csv', buffer: Buffer.from('email,max_uses,roles\ncarol@example.com,1,beta\nnot-an-email,1,\n,5,beta;crew\n') });
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#preview-summary').textContent()).resolves.toContain('2 row(s) ready, 1 with an error');
  await expect(page.locator('#preview tr[data-row="2"]').getAttribute('data-ok')).resolves.toBe('false');
  await expect(page.locator('#row-error-2').textContent()).resolves.toBe('email: must be a valid email address');
  // A dry run: nothing is created yet.
  expect((await gl.store.invites.list({ email: 'carol@example.com' }, { limit: 1 }, gl.clock.now())).items).toEqual([]);
  await expectGoodPage(admin, 'console-import-preview');

  await page.getByRole('button', { name: 'Create 2 invitation(s)' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#results-summary').textContent()).resolves.toBe('2 created, 1 not created.');
  await expectGoodPage(admin, 'console-import-results');
  const download = page.waitForEvent('download');
  await page.locator('#download-results').click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\r\n');
  expect(csv[0]).toBe('row,status,email,invite_id,url,error');
  expect(csv[1]).toMatch(/^1,created,carol@example\.com,[0-9a-f-]{36},http/);
  expect(csv[2]).toMatch(/^2,error,,,,email: must be a valid email address$/);
  importedOpenLink = csv[3]!.split(',')[4]!;
  expect(importedOpenLink).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  expect((await gl.store.invites.list({ email: 'carol@example.com' }, { limit: 1 }, gl.clock.now())).items[0]?.roles).toEqual(['beta']);
});

test('revoke is confirmed by typing the email; resend gives a new link and the old one stops working', async () => {
  const { page } = admin;
  await openConsole(page, '/console/invitations?q=carol');
  await expect(page.locator('#invitation-list tbody tr').count()).resolves.toBe(1);
  await page.getByRole('link', { name: 'Revoke carol@example.com' }).click();
  await page.waitForLoadState('load');
  await expectGoodPage(admin, 'console-confirm-revoke');
  await page.getByLabel('Type carol@example.com to confirm').fill('someone-else@example.com');
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#form-error').textContent()).resolves.toBe('Type carol@example.com exactly to confirm.');
  await page.getByLabel('Type carol@example.com to confirm').fill('carol@example.com');
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.waitForURL(/\/console\/invitations\/[0-9a-f-]+\?done=revoked/);
  await expect(page.locator('#invite-status').textContent()).resolves.toBe('Revoked');

  await openConsole(page, '/console/invitations?status=pending');
  await page.getByRole('button', { name: 'Resend Anyone with the link' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('h1').textContent()).resolves.toBe('New link for the invitation');
  const fresh = await page.locator('#invite-link').inputValue();
  expect(fresh).not.toBe(importedOpenLink);
  const old = await (await fetch(`${gl.url}/api/invites/${importedOpenLink.split('/').pop()}`)).json();
  expect(old).toEqual({ valid: false, reason: 'unknown' });
  const renewed = await (await fetch(`${gl.url}/api/invites/${fresh.split('/').pop()}`)).json();
  expect(renewed).toMatchObject({ valid: true });
});

test('disabling a person ends their app session', async () => {
  // Bob signs in to the demo app and gets tokens.
  const bob = await openContext(browser);
  await bob.page.route('http://localhost:5173/**', appCallbackPage);
  const { verifier, challenge } = pkcePair();
  await bob.page.goto(demoAuthorizeUrl(gl.url, challenge, { state: 's' }));
  await bob.page.getByLabel('Email').fill('bob@example.com');
  await bob.page.getByLabel('Password').fill('bob has a long password');
  await bob.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await bob.page.waitForURL(/\/interaction\//);
  await bob.page.getByRole('button', { name: 'Allow' }).click();
  await bob.page.waitForURL(/^http:\/\/localhost:5173\/callback/);
  const tokens = await exchangeCode(gl.url, new URL(bob.page.url()).searchParams.get('code')!, verifier);
  const userinfo = () => fetch(`${gl.url}/me`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } });
  expect((await userinfo()).status).toBe(200);

  const { page } = admin;
  await openConsole(page, '/console/people');
  await expectGoodPage(admin, 'console-people');
  await page.getByRole('link', { name: 'bob@example.com' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#sessions').textContent()).resolves.toContain('Demo app');
  await expect(page.locator('#person-inviter').textContent()).resolves.toBe('ada@example.com');
  await expectGoodPage(admin, 'console-person');
  await expect(page.locator('#person-password').textContent()).resolves.toBe('Yes');
  await expect(page.locator('#person-passkeys').textContent()).resolves.toBe('None');

  // A recovery link to hand over: shown once, with a copy button; then back to the person.
  await page.getByRole('button', { name: 'Create a link to hand over' }).click();
  await page.waitForLoadState('load');
  const recoveryLink = await page.locator('#recovery-link').inputValue();
  expect(recoveryLink).toMatch(new RegExp(`^${gl.url}/recovery/reset\\?token=[A-Za-z0-9_-]{43}$`));
  await page.locator('#copy-recovery-link').click();
  await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(recoveryLink);
  await expectGoodPage(admin, 'console-recovery-link');
  await page.locator('#back-to-person').click();
  await page.waitForLoadState('load');
  await page.locator('#disable').click();
  await page.waitForLoadState('load');
  await page.getByLabel('Type bob@example.com to confirm').fill('bob@example.com');
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.waitForURL(/\?done=disabled/);
  await expect(page.locator('#person-status').textContent()).resolves.toBe('Disabled');
  await expect(page.locator('#no-sessions').count()).resolves.toBe(1);

  // The app's token stops working, and the browser's session is gone: the app meets the sign-in page.
  expect((await userinfo()).status).toBe(401);
  await bob.page.goto(demoAuthorizeUrl(gl.url, challenge, { state: 't' }));
  await expect(bob.page.locator('h1').textContent()).resolves.toBe('Sign in');
  await bob.context.close();
  await openConsole(page, '/console/people?status=disabled');
  await expect(page.locator('#people-list tbody tr').count()).resolves.toBe(1);
});

test('the audit log filters by type and exports the filter as NDJSON', async () => {
  const { page } = admin;
  await openConsole(page, '/console/audit');
  await page.getByLabel('Type').selectOption('invite.revoked');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/type=invite\.revoked/);
  const types = await page.locator('#audit-list tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')));
  expect(types).toEqual(['invite.revoked']);
  await expect(page.locator('#audit-list tbody tr').first().textContent()).resolves.toContain('(console)');
  await expectGoodPage(admin, 'console-audit');
  const download = page.waitForEvent('download');
  await page.locator('#export-audit').click();
  const lines = readFileSync(await (await download).path(), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: { via?: string } });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ type: 'invite.revoked', data: { via: 'console' } });
});

test('without JavaScript the console signs in and creates an invitation; only the copy button is missing', async () => {
  const invite = await createInvite(gl, { email: 'nojs@example.com', roles: ['inviter'] });
  const tracked = await openContext(browser, { javaScriptEnabled: false });
  const { page } = tracked;
  await signUpFromLink(page, invite.url, 'no script, long password');
  await openConsole(page, '/console/new-invitation');
  await page.getByLabel('Email (optional)').fill('plain@example.com');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#invite-link').inputValue()).resolves.toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(page.locator('#invite-qr').evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).resolves.toBe(true);
  await expect(page.locator('#copy-invite-link').isVisible()).resolves.toBe(false);
  // A picture only: the page checks time layout shifts with a timer, which never fires without JavaScript.
  await screenshot(page, 'console-no-javascript');
  await tracked.context.close();
});

test('someone without a console role meets the 403 page', async () => {
  const invite = await createInvite(gl, { email: 'member@example.com' });
  const tracked = await openContext(browser);
  await signUpFromLink(tracked.page, invite.url, 'just a member, long password');
  const answer = await tracked.page.goto(`${gl.url}/console`);
  expect(answer?.status()).toBe(403);
  await expect(tracked.page.locator('h1').textContent()).resolves.toBe('Not allowed');
  await expectGoodPage(tracked, 'console-forbidden');
  await tracked.context.close();
});

test('deliveries and settings: secrets show only as set or unset', async () => {
  const { page } = admin;
  await openConsole(page, '/console/deliveries');
  await expectGoodPage(admin, 'console-deliveries');
  await openConsole(page, '/console/settings');
  await expect(page.locator('#setting-cookie_keys td').first().textContent()).resolves.toBe('unset');
  await expect(page.locator('#setting-issuer td').first().textContent()).resolves.toBe(gl.url);
  await expectGoodPage(admin, 'console-settings');
  await admin.context.close();
});
