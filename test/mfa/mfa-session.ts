// Second-factor journeys over HTTP with a real relying party: sign in with a password (and then
// whatever step follows), set up an authenticator app on /account/security, read what pages show.
import { FormClient, decodeEntities, findForm, type Page } from '../support/browser-form.ts';
import type { RunningGuestlist } from '../support/start-guestlist.ts';
import { finishAuthorization, isCallback, passConsent, startAuthorization, type AuthorizationStart, type oidc } from '../support/relying-party.ts';
import { totpCodeAt } from '../../src/mfa/totp.ts';

/** A password sign-in through the app: the page after the password (a second-factor step, or the callback). */
export async function signInWithPassword(config: oidc.Configuration, email: string, password: string, params: Record<string, string> = {}, browser = new FormClient()) {
  const start = await startAuthorization(config, params);
  const login = await browser.get(start.url.toString(), isCallback);
  if (isCallback(login.url)) return { browser, start, page: login };
  const page = await browser.submit(login, '/login', { email, password }, isCallback);
  return { browser, start, page };
}

/** Finishes at the app: consent if asked, then the code exchange; returns the ID token's claims. */
export async function tokensAt(config: oidc.Configuration, browser: FormClient, page: Page, start: AuthorizationStart) {
  const callback = await passConsent(browser, page);
  const tokens = await finishAuthorization(config, callback.url, start);
  return { tokens, claims: tokens.claims()! };
}

/** The value of the input with this id (the TOTP setup key, say). */
export function inputValue(html: string, id: string): string | null {
  const match = new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(html);
  const value = match ? /\bvalue="([^"]*)"/.exec(match[0])?.[1] : undefined;
  return value === undefined ? null : decodeEntities(value);
}

/** The backup codes a page shows (once). */
export const backupCodesIn = (html: string): string[] => [...html.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);

/** The code an authenticator app shows `offsetMs` from the server's clock. */
export const codeAt = (gl: RunningGuestlist, secret: string, offsetMs = 0) => totpCodeAt(secret, new Date(gl.clock.now().getTime() + offsetMs));

/** Turns on an authenticator app from /account/security (a recent sign-in on `browser`): its secret and the backup codes shown. */
export async function enrolTotpOnAccountPage(gl: RunningGuestlist, browser: FormClient) {
  const setup = await browser.get(`${gl.url}/account/security/totp`);
  if (setup.status !== 200) throw new Error(`no TOTP set-up page: ${setup.status} ${setup.html.slice(0, 500)}`);
  const secret = inputValue(setup.html, 'totp-secret')!;
  const done = await browser.submit(setup, '/account/security/totp', { code: codeAt(gl, secret) });
  return { secret, page: done, codes: backupCodesIn(done.html) };
}

export { findForm };
