// Passkeys in Chromium with virtual WebAuthn authenticators (the DevTools protocol's WebAuthn
// domain): a passkey-only sign-up from an invitation, a passwordless sign-in back into the app, a
// second passkey added on /account/security and one removed; and an authenticator app set up on
// the offer after sign-up, then asked for at sign-in. Every page checked with axe at 1280 and 320 px.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';
import { appCallbackPage, demoAuthorizeUrl, exchangeCode, pkcePair } from '../support/browser-app.ts';
import { totpCodeAt } from '../../src/mfa/totp.ts';

let gl: RunningGuestlist;
let browser: Browser;

beforeAll(async () => {
  // WebAuthn's relying-party ID must be a domain name: the issuer is http://localhost:port.
  gl = await startGuestlist({ host: 'localhost' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

/** A platform authenticator that keeps discoverable credentials and verifies its user, answering at once. */
async function addAuthenticator(cdp: CDPSession, transport: 'internal' | 'usb' = 'internal'): Promise<string> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport, hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return authenticatorId;
}

/**
 * Signs in to the demo app with a passkey alone; returns the ID token's claims. The authenticator
 * waits for the person (no simulated touch) while the sign-in page is looked at; then it answers,
 * and the button's request (or the page's autofill request, whichever the browser gives it) signs in.
 */
async function passwordlessIntoApp(page: Page, cdp: CDPSession, authenticatorId: string, onSignInPage?: () => Promise<void>) {
  const { verifier, challenge } = pkcePair();
  await page.route('http://localhost:5173/**', appCallbackPage);
  await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
  await page.goto(demoAuthorizeUrl(gl.url, challenge, { state: 'passkey-state' }));
  await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
  // Conditional UI: the email field offers passkeys in its autofill.
  await expect(page.locator('#email').getAttribute('autocomplete')).resolves.toBe('username webauthn');
  await onSignInPage?.();
  await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
  const button = page.getByRole('button', { name: 'Sign in with a passkey' });
  if (await button.isVisible()) await button.click().catch(() => undefined);
  const consent = page.getByRole('button', { name: 'Allow' });
  await Promise.race([consent.waitFor(), page.waitForURL(/localhost:5173\/callback/)]);
  if (await consent.isVisible()) await consent.click();
  await page.waitForURL(/localhost:5173\/callback/);
  const code = new URL(page.url()).searchParams.get('code')!;
  await page.unroute('http://localhost:5173/**');
  return (await exchangeCode(gl.url, code, verifier)).claims;
}

test('a passkey-only sign-up from an invitation, a passwordless sign-in, a second passkey added and one removed', async () => {
  const invite = await createInvite(gl, { email: 'pia@example.com', roles: ['beta'] });
  const tracked = await openContext(browser);
  const { page, context } = tracked;
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const platform = await addAuthenticator(cdp);

  // Sign-up: the invitation's page offers a passkey instead of a password.
  await page.goto(invite.url);
  await expect(page.locator('h1').textContent()).resolves.toBe('Create your account');
  const signUpWithPasskey = page.getByRole('button', { name: 'Create the account with a passkey instead' });
  await expect(signUpWithPasskey.isVisible()).resolves.toBe(true);
  await expectGoodPage(tracked, 'passkey-signup');
  await signUpWithPasskey.click();
  await page.waitForURL(/\/mfa\/backup-codes$/);
  await expectGoodPage(tracked, 'passkey-signup-backup-codes-offer');
  await page.getByRole('button', { name: 'Create my backup codes' }).click();
  await expect(page.locator('#backup-codes li').count()).resolves.toBe(10);
  await expectGoodPage(tracked, 'passkey-signup-backup-codes');
  await page.getByRole('button', { name: 'I have saved them, continue' }).click();
  await page.waitForURL(/\/account\/welcome/);
  await expect(page.locator('main').textContent()).resolves.toContain('pia@example.com');

  // The account has no password, one passkey, and joined through the same redemption and audit as any sign-up.
  const account = (await gl.store.accounts.findByEmail('pia@example.com'))!;
  expect(account.passwordHash).toBeNull();
  expect(account.roles).toEqual(['beta']);
  expect(await gl.store.mfa.listPasskeys(account.id)).toHaveLength(1);
  expect((await gl.store.invites.findById(invite.id))?.uses).toBe(1);
  const types = (await gl.store.audit.query({ accountId: account.id }, { limit: 50 })).items.map((event) => event.type);
  expect(types).toEqual(expect.arrayContaining(['invite.redeemed', 'registration.succeeded', 'passkey.registered', 'mfa.enrolled', 'backup_codes.generated']));
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: platform });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]!.isResidentCredential).toBe(true);

  // A passwordless sign-in back into the app: a fresh browser session, the passkey alone.
  await context.clearCookies();
  const claims = await passwordlessIntoApp(page, cdp, platform, () => expectGoodPage(tracked, 'passkey-sign-in'));
  expect(claims).toMatchObject({ sub: account.id, amr: ['hwk', 'mfa'], acr: 'urn:guestlist:mfa' });

  // /account/security, right after that sign-in: a second passkey, on a security key.
  await page.goto(`${gl.url}/account`);
  await page.getByRole('link', { name: 'Manage sign-in security' }).click();
  await page.waitForURL(/\/account\/security$/);
  await expect(page.locator('#passkey-list li').count()).resolves.toBe(1);
  await expectGoodPage(tracked, 'account-security');
  // The platform authenticator already holds this account's passkey (the page excludes it): a second device.
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: platform });
  const securityKey = await addAuthenticator(cdp, 'usb');
  await page.getByLabel('Name of the new passkey (optional)').fill('Security key');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.waitForURL(/notice=passkey_added/);
  await expect(page.locator('#security-notice').textContent()).resolves.toBe('The passkey was added.');
  await expect(page.locator('#passkey-list li').count()).resolves.toBe(2);
  await expect(page.locator('#passkey-list li').nth(1).getAttribute('data-passkey-name')).resolves.toBe('Security key');
  await expectGoodPage(tracked, 'account-security-two-passkeys');

  // Remove the first; the last one stays (without a password it is the only way in).
  await page.getByRole('button', { name: 'Remove Passkey' }).click();
  await page.waitForURL(/notice=passkey_removed/);
  await expect(page.locator('#passkey-list li').count()).resolves.toBe(1);
  await page.getByRole('button', { name: 'Remove Security key' }).click();
  await expect(page.locator('#form-error').textContent()).resolves.toBe('This is your only way to sign in, so it cannot be removed.');
  await expect(page.locator('#passkey-list li').count()).resolves.toBe(1);
  const remaining = await gl.store.mfa.listPasskeys(account.id);
  expect(remaining.map((passkey) => passkey.name)).toEqual(['Security key']);

  // And the security key signs in on its own.
  await context.clearCookies();
  expect((await passwordlessIntoApp(page, cdp, securityKey)).sub).toBe(account.id);
  await context.close();
});

test('an authenticator app set up on the offer after sign-up is asked for at the next sign-in', async () => {
  const invite = await createInvite(gl, { email: 'otto@example.com' });
  const tracked = await openContext(browser);
  const { page, context } = tracked;
  await page.goto(invite.url);
  await page.getByLabel('Password').fill('otto has a password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('h1').textContent()).resolves.toBe('Add a second factor');
  await expect(page.locator('img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);
  await expectGoodPage(tracked, 'mfa-offer');
  const secret = await page.locator('#totp-secret').inputValue();
  await page.getByLabel('Code from the app').fill(totpCodeAt(secret, gl.clock.now()));
  await page.getByRole('button', { name: 'Turn on the authenticator app' }).click();
  await page.getByRole('button', { name: 'Create my backup codes' }).click();
  await page.getByRole('button', { name: 'I have saved them, continue' }).click();
  await page.waitForURL(/\/account\/welcome/);

  await context.clearCookies();
  gl.clock.advance(60_000);
  const { verifier, challenge } = pkcePair();
  await page.route('http://localhost:5173/**', appCallbackPage);
  await page.goto(demoAuthorizeUrl(gl.url, challenge));
  await page.getByLabel('Email').fill('otto@example.com');
  await page.getByLabel('Password').fill('otto has a password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('h1').textContent()).resolves.toBe('Confirm it is you');
  await expectGoodPage(tracked, 'mfa-challenge');
  await page.getByLabel('Code', { exact: true }).fill(totpCodeAt(secret, gl.clock.now()));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/localhost:5173\/callback/);
  const { claims } = await exchangeCode(gl.url, new URL(page.url()).searchParams.get('code')!, verifier);
  expect(claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:guestlist:mfa' });
  await context.close();
});
