// The hosted /recovery pages over HTTP, as a browser without JavaScript uses them: from the app's
// sign-in page to signing in with the new password, the code bound to the browser that asked, the
// same pages for any address, and an admin's link.
import { FormClient, textOf } from '../support/browser-form.ts';
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { discover, finishAuthorization, isCallback, passConsent, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import { adminPost, deliverRecoveryMail, mailTextsTo, recoveryCodesTo, registerAccount } from './support.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false } });
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

const codeLinkTo = (email: string) => /https?:\/\/\S+\/recovery\/code\?code=\d{8}/.exec(mailTextsTo(smtp, email).pop()!)![0];

test('"Forgot your password?" on the app’s sign-in page, to signing in with the new password', async () => {
  const sub = await registerAccount(gl, 'lena@example.com', 'lena forgot this one');
  const config = await discover(gl.url);
  const start = await startAuthorization(config);
  const browser = new FormClient();
  const signIn = await browser.get(start.url.toString());
  const forgot = /href="(\/recovery\?interaction=[A-Za-z0-9_-]+)"/.exec(signIn.html)?.[1];
  expect(forgot).toBeTruthy();
  expect(signIn.html).toContain('Forgot your password?');

  const ask = await browser.get(`${gl.url}${forgot}`);
  expect([ask.status, textOf(ask.html, 'back-to-sign-in')]).toEqual([200, 'Back to sign in']);
  const codePage = await browser.submit(ask, '/recovery', { email: 'lena@example.com' });
  expect(codePage.url).toBe(`${gl.url}/recovery/code`);
  expect(textOf(codePage.html, 'code-lead')).toBe('If lena@example.com has an account, we sent it an 8-digit code. It expires in 15 minutes.');

  await deliverRecoveryMail(gl);
  const code = recoveryCodesTo(smtp, 'lena@example.com')[0]!;
  // The emailed link fills the code in, and spends nothing: a wrong code typed first still counts as one try.
  const filled = await browser.get(codeLinkTo('lena@example.com'));
  expect(filled.html).toMatch(new RegExp(`id="code"[^>]*value="${code}"`));
  const wrong = await browser.submit(filled, '/recovery/code', { code: '00000000' === code ? '11111111' : '00000000' });
  expect([wrong.status, textOf(wrong.html, 'code-error')]).toEqual([400, 'That code is not correct.']);
  const reset = await browser.submit(wrong, '/recovery/code', { code });
  expect(reset.url).toBe(`${gl.url}/recovery/reset`);
  expect(reset.html).toMatch(/id="username"[^>]*value="lena@example.com"/);

  const weak = await browser.submit(reset, '/recovery/reset', { password: 'qwerty123' });
  expect([weak.status, textOf(weak.html, 'password-error')]).toEqual([400, 'Password is one of the most common passwords, which attackers try first.']);
  const done = await browser.submit(weak, '/recovery/reset', { password: 'lena remembers this one' });
  expect([done.status, textOf(done.html, 'recovery-done')]).toEqual([200, 'Sign in with your new password. Every other session and app was signed out.']);

  // Not signed in by the reset: "Sign in" goes back to the app's sign-in page, where the new password works.
  const back = /<a class="button" href="([^"]+)" id="sign-in-again"/.exec(done.html)?.[1];
  expect(back).toMatch(/^\/interaction\/[A-Za-z0-9_-]+\/login$/);
  const signInAgain = await browser.get(`${gl.url}${back!}`);
  const callback = await passConsent(browser, await browser.submit(signInAgain, '/login', { email: 'lena@example.com', password: 'lena remembers this one' }, isCallback));
  const tokens = await finishAuthorization(config, callback.url, start);
  expect(tokens.claims()!.sub).toBe(sub);
});

test('the code works only in the browser that asked for it', async () => {
  await registerAccount(gl, 'omar@example.com', 'omar first password');
  const asker = new FormClient();
  await asker.submit(await asker.get(`${gl.url}/recovery`), '/recovery', { email: 'omar@example.com' });
  await deliverRecoveryMail(gl);
  const other = new FormClient();
  const elsewhere = await other.get(codeLinkTo('omar@example.com'));
  expect([elsewhere.status, textOf(elsewhere.html, 'form-error')]).toEqual([400, 'Open the link in the browser where you asked for the code, or ask for a new code here.']);
  expect(elsewhere.html).not.toContain('action="/recovery/code"');
  // The right browser still can.
  const page = await asker.get(codeLinkTo('omar@example.com'));
  expect((await asker.submit(page, '/recovery/code', {})).url).toBe(`${gl.url}/recovery/reset`);
});

test('the pages say the same for an address without an account; forms need their CSRF token', async () => {
  await registerAccount(gl, 'pia@example.com', 'pia first password');
  const pages = [];
  for (const email of ['pia@example.com', 'nobody-here@example.com']) {
    const browser = new FormClient();
    const page = await browser.submit(await browser.get(`${gl.url}/recovery`), '/recovery', { email });
    pages.push({ status: page.status, url: page.url, html: page.html.replaceAll(email, 'EMAIL').replace(/name="_csrf" value="[^"]+"/, '') });
  }
  expect(pages[1]).toEqual(pages[0]);
  const forged = await fetch(`${gl.url}/recovery`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, body: 'email=pia%40example.com' });
  expect(forged.status).toBe(403);
  const bad = new FormClient();
  const refused = await bad.submit(await bad.get(`${gl.url}/recovery`), '/recovery', { email: 'not an email' });
  expect([refused.status, textOf(refused.html, 'email-error')]).toEqual([400, 'Email must be a valid email address.']);
});

test('an admin link opens the new-password page (the token leaves the address bar) and works once', async () => {
  const sub = await registerAccount(gl, 'quinn@example.com', 'quinn first password');
  const { body } = await adminPost(gl, `/admin/users/${sub}/recovery`, { send_email: false });
  const browser = new FormClient();
  const page = await browser.get(body.url);
  expect(page.url).toBe(`${gl.url}/recovery/reset`);
  expect(page.html).toMatch(/id="username"[^>]*value="quinn@example.com"/);
  const done = await browser.submit(page, '/recovery/reset', { password: 'quinn chose this one' });
  expect(textOf(done.html, 'recovery-done')).toContain('Sign in with your new password.');
  const again = await new FormClient().get(body.url);
  expect([again.status, textOf(again.html, 'form-error')]).toEqual([400, 'This reset link has expired or was already used. Ask for a new code. Send a code']);
});
