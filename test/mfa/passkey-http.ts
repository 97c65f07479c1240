// The passkey ceremonies of the hosted pages driven over HTTP, as the page's script does them, with
// a software authenticator: for flow tests and the benchmark.
import { decodeEntities, type FormClient, type Page } from '../support/browser-form.ts';
import type { SoftAuthenticator } from '../support/soft-authenticator.ts';

/** The ceremony block a page carries (data-passkey-ceremony="…"), with its endpoints and CSRF token. */
export function ceremonyOn(page: Page, ceremony: string): { optionsUrl: string; finishUrl: string; csrf: string } {
  const block = new RegExp(`<div class="passkey-action" data-passkey-ceremony="${ceremony}"[^>]*>`).exec(page.html)?.[0];
  if (!block) throw new Error(`no ${ceremony} passkey block on ${page.url}: ${page.html.slice(0, 1500)}`);
  const attribute = (name: string) => decodeEntities(new RegExp(`${name}="([^"]*)"`).exec(block)![1]!);
  return { optionsUrl: new URL(attribute('data-options-url'), page.url).toString(), finishUrl: new URL(attribute('data-finish-url'), page.url).toString(), csrf: attribute('data-csrf') };
}

export async function postJsonAs(browser: FormClient, url: string, body: unknown): Promise<{ status: number; body: any }> {
  const page = await browser.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: page.status, body: page.html ? JSON.parse(page.html) : null };
}

/**
 * Runs one ceremony of `page`: options, the authenticator's answer, the finish. Returns the finish's
 * answer ({location} on success) and the challenge it used.
 */
export async function runCeremony(browser: FormClient, page: Page, ceremony: 'sign-in' | 'second-factor' | 'register' | 'sign-up', authenticator: SoftAuthenticator, extra: Record<string, unknown> = {}) {
  const { optionsUrl, finishUrl, csrf } = ceremonyOn(page, ceremony);
  const start = await postJsonAs(browser, optionsUrl, { _csrf: csrf, ...(ceremony === 'second-factor' ? { mode: 'second_factor' } : {}), ...extra });
  if (start.status !== 200) return { start, finish: null, challengeId: null, response: null, finishUrl, csrf };
  const registering = ceremony === 'register' || ceremony === 'sign-up';
  const response = registering ? authenticator.register(start.body.options) : authenticator.assert(start.body.options);
  const finish = await postJsonAs(browser, finishUrl, { _csrf: csrf, challenge_id: start.body.challenge_id, response, ...extra });
  return { start, finish, challengeId: start.body.challenge_id as string, response, finishUrl, csrf };
}
