// A stand-in for the demo app (public client `demo-app`) in browser tests: its PKCE pair, a
// callback page answered through Playwright routing, and the code exchange it would do.
import { createHash, randomBytes } from 'node:crypto';
import type { Page, Route } from 'playwright-core';

export const DEMO_REDIRECT_URI = 'http://localhost:5173/callback';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The app's own page: nothing listens on its address, so the test answers for it. */
export async function appCallbackPage(route: Route): Promise<void> {
  await route.fulfill({
    status: 200,
    contentType: 'text/html',
    body: '<!doctype html><html lang="en"><head><title>Demo app</title></head><body><main><h1>Demo app</h1></main></body></html>',
  });
}

/** Exchanges the code as the public client does (PKCE, no secret); returns the ID token's claims. */
export async function exchangeCode(issuer: string, code: string, verifier: string, redirectUri = DEMO_REDIRECT_URI) {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'demo-app', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const body = (await response.json()) as { id_token?: string; access_token?: string; error?: string };
  if (response.status !== 200 || !body.id_token) throw new Error(`code exchange failed: ${response.status} ${JSON.stringify(body)}`);
  const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { accessToken: body.access_token!, claims };
}

/** The demo app's authorization request (code + PKCE), with whatever else a journey adds. */
export function demoAuthorizeUrl(issuer: string, challenge: string, extra: Record<string, string> = {}): string {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: 'demo-app',
    response_type: 'code',
    redirect_uri: DEMO_REDIRECT_URI,
    scope: 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url.toString();
}

/** Declines the second factor offered once after sign-up (it waits for that page first). */
export async function skipSecondFactorOffer(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Skip for now' }).click();
}

/** Opens an invitation link and signs up with `password`, ending on the account-ready page. */
export async function signUpFromLink(page: Page, link: string, password: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await skipSecondFactorOffer(page);
  await page.waitForURL(/\/account\/welcome/);
}
