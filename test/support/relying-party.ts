// A real relying party (openid-client) registered through clients_file, driving the hosted pages.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { FormClient, type Page } from './browser-form.ts';

export const RP = {
  client_id: 'test-rp',
  client_secret: 'test-rp-secret-that-is-long-enough-0123456789',
  redirect_uri: 'http://rp.test/callback',
};

/** A clients_file with one confidential RP (the demo client stays out when a file is given). */
export function writeClientsFile(extra: Record<string, unknown>[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-clients-'));
  const path = join(dir, 'clients.json');
  writeFileSync(
    path,
    JSON.stringify([
      {
        client_id: RP.client_id,
        client_secret: RP.client_secret,
        client_name: 'Test App',
        redirect_uris: [RP.redirect_uri],
        post_logout_redirect_uris: ['http://rp.test/'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid email phone offline_access invites',
        initiate_login_uri: 'https://rp.test/login',
      },
      ...extra,
    ]),
  );
  return path;
}

export async function discover(issuer: string): Promise<oidc.Configuration> {
  const config = await oidc.discovery(new URL(issuer), RP.client_id, RP.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
  return config;
}

export interface AuthorizationStart {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function startAuthorization(config: oidc.Configuration, params: Record<string, string> = {}): Promise<AuthorizationStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: RP.redirect_uri,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

export const isCallback = (location: string) => location.startsWith(RP.redirect_uri);

/** Exchanges the code the callback URL carries for tokens. */
export async function finishAuthorization(config: oidc.Configuration, callbackUrl: string, start: AuthorizationStart) {
  return oidc.authorizationCodeGrant(config, new URL(callbackUrl), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
}

/**
 * Declines the second factor offered once right after sign-up (the `mfa` prompt's optional step),
 * when the page is that offer; otherwise returns the page as it is.
 */
export async function skipSecondFactorOffer(browser: FormClient, page: Page, stopAt?: (location: string) => boolean): Promise<Page> {
  if (!page.html.includes('/mfa/skip')) return page;
  return browser.submit(page, '/mfa/skip', {}, stopAt);
}

/** Clicks through consent when the app is not first-party (after declining the offer of a second factor); returns the callback page. */
export async function passConsent(browser: FormClient, offered: Page): Promise<Page> {
  const page = await skipSecondFactorOffer(browser, offered, isCallback);
  if (isCallback(page.url)) return page;
  if (!page.html.includes('/consent')) throw new Error(`expected the consent page, got ${page.status} ${page.url}\n${page.html.slice(0, 1500)}`);
  return browser.submit(page, '/consent', {}, isCallback);
}

export { oidc };
