// The built React example (examples/react-app/dist) driven end to end in Chromium: "Create account"
// with a pasted invitation, back in the app with the claims, sign-out through end-session, and
// "Sign in" again as a returning member.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DEMO_CLIENT } from '../../src/oidc/clients.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { expectGoodPage, launchBrowser, openContext, seriousViolations, screenshot } from '../support/browser.ts';
import { startStaticApp, type StaticApp } from '../support/static-app-server.ts';

let gl: RunningGuestlist;
let app: StaticApp;
let browser: Browser;

/** The development demo client, moved from port 5173 to the port this run's app server got. */
function demoClientOn(port: number): string {
  const moved = JSON.parse(JSON.stringify(DEMO_CLIENT).replaceAll(':5173/', `:${port}/`)) as typeof DEMO_CLIENT;
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-demo-client-'));
  const path = join(dir, 'clients.json');
  writeFileSync(path, JSON.stringify([moved]));
  return path;
}

beforeAll(async () => {
  app = await startStaticApp(() => ({ authority: gl.url, client_id: DEMO_CLIENT.client_id }));
  gl = await startGuestlist({ env: { CLIENTS_FILE: demoClientOn(app.port) } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
  await app?.stop();
});

test('the React app creates an account with a pasted invitation, shows the claims, signs out and signs in again', async () => {
  const invite = await createInvite(gl, { email: 'lin@example.com', roles: ['beta'] });
  const tracked = await openContext(browser);
  const { page } = tracked;

  await page.goto(app.url);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'react-app-signed-out');

  // "Create account" sends prompt=create and the pasted invitation as invite_token.
  await page.getByLabel('Invitation token (optional)').fill(invite.token);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((url) => url.href.startsWith(gl.url));
  await expect(page.locator('h1').textContent()).resolves.toBe('Create your account');
  await expect(page.locator('.lead').first().textContent()).resolves.toContain('Demo app');
  await expect(page.getByLabel('Email').inputValue()).resolves.toBe('lin@example.com');
  await expect(page.getByLabel('Invitation').inputValue()).resolves.toBe(invite.token);
  await expectGoodPage(tracked, 'react-app-signup');
  await page.getByLabel('Password').fill('lin has a fine password');
  await page.getByRole('button', { name: 'Create account' }).click();
  // The second factor offered once after sign-up: declined here (the passkey journeys take it).
  await page.getByRole('button', { name: 'Skip for now' }).click();

  await page.waitForURL(/\/interaction\//);
  await expect(page.locator('h1').textContent()).resolves.toBe('Allow access');
  await page.getByRole('button', { name: 'Allow' }).click();

  // Back in the app, which exchanged the code (PKCE) and shows the ID token's claims.
  await page.waitForURL((url) => url.href.startsWith(app.url));
  await expect(page.locator('#signed-in-email').textContent()).resolves.toBe('lin@example.com');
  const claims = JSON.parse((await page.locator('#claims').textContent()) ?? '{}') as Record<string, unknown>;
  expect(claims).toMatchObject({ email: 'lin@example.com', email_verified: true, roles: ['beta'], iss: gl.url, aud: 'demo-app' });
  // The app shows how she signed in, from the ID token's amr claim.
  expect(claims.amr).toEqual(['pwd']);
  await expect(page.locator('#amr').getAttribute('data-amr')).resolves.toBe('pwd');
  await expect(page.locator('#amr').textContent()).resolves.toBe('password');
  expect(new URL(page.url()).search).toBe('');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'react-app-signed-in');

  // Sign-out goes through Guestlist's end-session endpoint and back to the app, with no question:
  // the app's id_token_hint proves the session, so the page signs out by itself.
  const confirmed = page.waitForRequest((request) => request.url() === `${gl.url}/session/end/confirm` && request.method() === 'POST');
  await page.getByRole('button', { name: 'Sign out' }).click();
  expect(new URLSearchParams((await confirmed).postData() ?? '').get('logout')).toBe('yes');
  await page.waitForURL((url) => url.href.startsWith(app.url));
  await page.getByRole('button', { name: 'Sign in' }).waitFor();

  // The Guestlist session is gone: "Sign in" shows the sign-in page, which tells newcomers about invitations.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.href.startsWith(gl.url));
  await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
  await expect(page.locator('main').textContent()).resolves.toContain('You need an invitation to create an account');
  await page.getByLabel('Email').fill('lin@example.com');
  await page.getByLabel('Password').fill('lin has a fine password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Signing out ended the grant too, so the app asks for consent again.
  await page.waitForURL(/\/interaction\//);
  await expect(page.locator('h1').textContent()).resolves.toBe('Allow access');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.href.startsWith(app.url));
  await expect(page.locator('#signed-in-email').textContent()).resolves.toBe('lin@example.com');

  // Without an app's proof (no id_token_hint), the end-session page asks first.
  await page.goto(`${gl.url}/session/end`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Sign out');
  await expectGoodPage(tracked, 'sign-out');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.locator('h1').textContent()).resolves.toBe('You are signed out');
  await tracked.context.close();
});
