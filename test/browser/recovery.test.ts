// "Forgot your password?" in Chromium, from the app's sign-in page to signing in with the new
// password: each page passes axe (no serious or critical violation), the CSP, 320 px and layout checks.
import type { Browser } from 'playwright-core';
import { createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';
import { appCallbackPage, demoAuthorizeUrl, exchangeCode, pkcePair } from '../support/browser-app.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { parseMail, partOf } from '../mail/mime.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url }, extraDeps: { startWorkers: false } });
  browser = await launchBrowser();
  const invite = await createInvite(gl, { email: 'iris@example.com', send_email: false });
  const created = await postJson(`${gl.url}/api/register`, { email: 'iris@example.com', password: 'iris once knew it', invite_token: invite.token });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
  await smtp?.close();
});

async function mailedCode(): Promise<string> {
  await gl.guestlist.services.recovery.dispatch.drain();
  await gl.guestlist.services.mail.drain();
  const mail = smtp.received.filter((m) => m.to.includes('iris@example.com')).pop()!;
  return /^\s+(\d{8})\s*$/m.exec(partOf(parseMail(mail.raw), 'text/plain'))![1]!;
}

test('forgot password: from the sign-in page to signing in with the new password', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.route('http://localhost:5173/**', appCallbackPage);
  const { verifier, challenge } = pkcePair();
  await page.goto(demoAuthorizeUrl(gl.url, challenge, { state: 'forgot' }));
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(/\/recovery\?interaction=/);
  await expect(page.locator('h1').textContent()).resolves.toBe('Reset your password');
  await expectGoodPage(tracked, 'recovery-ask');

  await page.getByLabel('Email').fill('iris@example.com');
  await page.getByRole('button', { name: 'Send a code' }).click();
  await page.waitForURL(/\/recovery\/code$/);
  await expect(page.locator('#code-lead').textContent()).resolves.toContain('If iris@example.com has an account');
  await expectGoodPage(tracked, 'recovery-code');

  const code = await mailedCode();
  await page.getByLabel('Code').fill(code === '12345678' ? '87654321' : '12345678');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#code-error').textContent()).resolves.toBe('That code is not correct.');
  await expectGoodPage(tracked, 'recovery-code-wrong');

  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/recovery\/reset$/);
  await expectGoodPage(tracked, 'recovery-reset');

  await page.getByLabel('New password').fill('password2024');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('#password-error').textContent()).resolves.toContain('most common passwords');
  await expectGoodPage(tracked, 'recovery-reset-weak');

  await page.getByLabel('New password').fill('iris has a new phrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('h1').textContent()).resolves.toBe('Your password was changed');
  await expectGoodPage(tracked, 'recovery-done');

  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/\/interaction\/[^/]+\/login$/);
  await page.getByLabel('Email').fill('iris@example.com');
  await page.getByLabel('Password').fill('iris has a new phrase');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/interaction\//);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/^http:\/\/localhost:5173\/callback/);
  const callback = new URL(page.url());
  expect(callback.searchParams.get('state')).toBe('forgot');
  const tokens = await exchangeCode(gl.url, callback.searchParams.get('code')!, verifier);
  expect(tokens.claims.email).toBe('iris@example.com');
  await tracked.context.close();
});
