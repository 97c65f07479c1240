// Shared pieces of the recovery flow tests: accounts made over HTTP, and codes and links read out of
// what a real SMTP server received (never out of the store).
import { parseMail, partOf } from '../mail/mime.ts';
import type { TestSmtpServer } from '../mail/smtp-test-server.ts';
import { adminToken, createInvite, postJson, type RunningGuestlist } from '../support/start-guestlist.ts';
import { FormClient } from '../support/browser-form.ts';
import { discover, finishAuthorization, isCallback, passConsent, startAuthorization } from '../support/relying-party.ts';

/** An account made the ordinary way: an invitation bound to the address, then POST /api/register. */
export async function registerAccount(gl: RunningGuestlist, email: string, password: string): Promise<string> {
  const invite = await createInvite(gl, { email, send_email: false });
  const created = await postJson(`${gl.url}/api/register`, { email, password, invite_token: invite.token });
  if (created.status !== 201) throw new Error(`register: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.sub as string;
}

/** Runs the background recovery step, then delivers the mail it queued, until nothing is due. */
export async function deliverRecoveryMail(gl: RunningGuestlist): Promise<void> {
  await gl.guestlist.services.recovery.dispatch.drain();
  await gl.guestlist.services.mail.drain();
}

/** The text parts of every mail `to` received, oldest first. */
export function mailTextsTo(smtp: TestSmtpServer, to: string): string[] {
  return smtp.received.filter((mail) => mail.to.includes(to)).map((mail) => partOf(parseMail(mail.raw), 'text/plain'));
}

export function mailSubjectsTo(smtp: TestSmtpServer, to: string): string[] {
  return smtp.received.filter((mail) => mail.to.includes(to)).map((mail) => parseMail(mail.raw).headers.subject ?? '');
}

/** The 8-digit codes mailed to `to`, oldest first. */
export function recoveryCodesTo(smtp: TestSmtpServer, to: string): string[] {
  return mailTextsTo(smtp, to)
    .map((text) => /^\s+(\d{8})\s*$/m.exec(text)?.[1])
    .filter((code): code is string => Boolean(code));
}

export const wrongRecoveryCode = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, '0');

/**
 * Signs in over HTTP as a relying party does (openid-client, the hosted sign-in form), asking for a
 * refresh token; returns the tokens, or the refused page.
 */
export async function signInAsApp(gl: RunningGuestlist, email: string, password: string) {
  const config = await discover(gl.url);
  const start = await startAuthorization(config, { scope: 'openid email offline_access', prompt: 'consent' });
  const browser = new FormClient();
  const page = await browser.get(start.url.toString());
  const submitted = await browser.submit(page, '/login', { email, password }, isCallback);
  if (!isCallback(submitted.url) && !submitted.html.includes('/consent')) return { refused: submitted, browser, config };
  const callback = await passConsent(browser, submitted);
  return { tokens: await finishAuthorization(config, callback.url, start), browser, config };
}

export async function adminPost(gl: RunningGuestlist, path: string, body: unknown = {}) {
  return postJson(`${gl.url}${path}`, body, await adminToken(gl));
}
