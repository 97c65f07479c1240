// One full password sign-in as a relying party and a browser do it: authorize → sign-in form →
// code at the redirect URI → token endpoint (PKCE, confidential client).
import { createHash, randomBytes } from 'node:crypto';
import { FormClient, type Page } from '../test/support/browser-form.ts';

export interface BenchClient {
  client_id: string;
  client_secret: string;
  redirect_uri: string;
}

export const BENCH_CLIENT: BenchClient = {
  client_id: 'bench-app',
  client_secret: 'bench-app-secret-0123456789abcdefghijklmnop',
  redirect_uri: 'http://127.0.0.1:9/callback',
};

/** The clients_file entry for BENCH_CLIENT: first-party, so no consent screen, like a company's own app. */
export const BENCH_CLIENT_METADATA = {
  client_id: BENCH_CLIENT.client_id,
  client_secret: BENCH_CLIENT.client_secret,
  client_name: 'Bench app',
  redirect_uris: [BENCH_CLIENT.redirect_uri],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid email',
  first_party: true,
};

/** The app's side of one sign-in: its authorization request opened in a new browser, and its code redeemed. */
export interface AppSignIn {
  browser: FormClient;
  /** The page the authorization request landed on (Guestlist's sign-in page). */
  page: Page;
  isCallback: (location: string) => boolean;
  /** Takes the page at the redirect URI, exchanges its code and checks an ID token came back. */
  redeem(landed: Page): Promise<void>;
}

export async function openAppSignIn(base: string, client: BenchClient): Promise<AppSignIn> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/auth', base);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    scope: 'openid email',
    redirect_uri: client.redirect_uri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }).toString();
  const isCallback = (location: string) => location.startsWith(client.redirect_uri);
  const browser = new FormClient();
  const page = await browser.get(authorize.toString(), isCallback);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}`);
  async function redeem(landed: Page): Promise<void> {
    const code = isCallback(landed.url) ? new URL(landed.url).searchParams.get('code') : null;
    if (!code) throw new Error(`sign-in did not reach the app (${landed.status})`);
    const response = await fetch(new URL('/token', base), {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri, code_verifier: verifier }).toString(),
    });
    const tokens = (await response.json()) as { id_token?: string };
    if (!response.ok || !tokens.id_token) throw new Error(`token endpoint answered ${response.status}`);
  }
  return { browser, page, isCallback, redeem };
}

export async function signInOnce(base: string, email: string, password: string, client: BenchClient = BENCH_CLIENT): Promise<void> {
  const { browser, page, isCallback, redeem } = await openAppSignIn(base, client);
  let landed = await browser.submit(page, '/login', { email, password }, isCallback);
  if (!isCallback(landed.url) && landed.html.includes('/consent')) landed = await browser.submit(landed, '/consent', {}, isCallback);
  await redeem(landed);
}
