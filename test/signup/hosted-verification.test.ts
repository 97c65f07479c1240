// The hosted sign-up with email and phone codes, driven by a real relying party (openid-client):
// sign-up form with a phone field, the code step with its errors and resend, then back to the
// app with a code, and the verified claims in the ID token.
import { FormClient, textOf } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, finishAuthorization, isCallback, oidc, passConsent, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { startSmsReceiver, textedCodes, waitForMailedCode, wrongCode, type SmsReceiver } from './support.ts';

const PASSWORD = 'a long enough password';
const PHONE = '+14155550123';

let smtp: TestSmtpServer;
let sms: SmsReceiver;
let gl: RunningGuestlist;

beforeAll(async () => {
  smtp = await startSmtpServer();
  sms = await startSmsReceiver();
  gl = await startGuestlist({
    env: {
      CLIENTS_FILE: writeClientsFile(),
      SMTP_URL: smtp.url,
      SMS_WEBHOOK_URL: sms.url,
      REQUIRE_EMAIL_VERIFICATION: 'true',
      REQUIRE_PHONE_VERIFICATION: 'true',
    },
  });
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
  await sms.close();
});

test('sign-up with an open invite: phone field, code step, resend, then back to the app with verified claims in the ID token', async () => {
  const invite = await createInvite(gl, { max_uses: 5, roles: ['beta'] });
  const config = await discover(gl.url);
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token, scope: 'openid email phone' });
  const browser = new FormClient();
  const signUp = await browser.get(start.url.toString());
  expect(signUp.status).toBe(200);
  expect(signUp.html).toMatch(/<label for="phone_number">Phone number<\/label>/);
  expect(signUp.html).toMatch(/<input id="phone_number" name="phone_number" type="tel" autocomplete="tel"/);

  // A malformed number: 400, said next to the field, what was typed kept, nothing sent.
  const texts = sms.received.length;
  const badPhone = await browser.submit(signUp, '/register', { email: 'eve@example.com', password: PASSWORD, phone_number: '555-0123' });
  expect(badPhone.status).toBe(400);
  expect(textOf(badPhone.html, 'phone-error')).toBe('Phone number must be a phone number in international format, like +14155550123.');
  expect(badPhone.html).toMatch(/id="phone_number"[^>]*value="555-0123"/);
  expect(sms.received.length).toBe(texts);

  const codeStep = await browser.submit(badPhone, '/register', { email: 'eve@example.com', password: PASSWORD, phone_number: PHONE });
  expect(codeStep.status).toBe(200);
  expect(new URL(codeStep.url).pathname).toMatch(/^\/interaction\/[^/]+\/verify$/);
  expect(codeStep.html).toContain('<label for="email_code">Email code</label>');
  expect(codeStep.html).toContain('<label for="phone_code">Phone code</label>');
  expect(codeStep.html).toContain('/verify/resend');
  expect(await gl.store.accounts.findByEmail('eve@example.com')).toBeNull();
  expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);

  const firstEmailCode = await waitForMailedCode(gl, smtp, 'eve@example.com');
  const firstPhoneCode = textedCodes(sms, PHONE).at(-1)!;

  // A wrong code: 400, a plain message next to the field.
  const wrong = await browser.submit(codeStep, '/verify', { email_code: wrongCode(firstEmailCode), phone_code: firstPhoneCode });
  expect(wrong.status).toBe(400);
  expect(textOf(wrong.html, 'email-code-error')).toBe('That code is not correct.');
  expect(wrong.html).toMatch(/id="email_code"[^>]*aria-invalid="true"/);

  // Resend: too soon at first, then a new pair of codes that replaces the old one.
  const tooSoon = await browser.submit(wrong, '/verify/resend', {});
  expect(tooSoon.status).toBe(429);
  expect(textOf(tooSoon.html, 'form-error')).toBe('A new code can be sent once a minute. Wait a moment, then try again.');
  gl.clock.advance(61_000);
  const resent = await browser.submit(tooSoon, '/verify/resend', {});
  expect(resent.status).toBe(200);
  expect(textOf(resent.html, 'code-sent')).toBe('A new code is on its way. Earlier codes no longer work.');
  const emailCode = await waitForMailedCode(gl, smtp, 'eve@example.com', 2);
  const phoneCode = textedCodes(sms, PHONE).at(-1)!;
  expect(textedCodes(sms, PHONE)).toHaveLength(2);

  const afterCode = await browser.submit(resent, '/verify', { email_code: emailCode, phone_code: phoneCode }, isCallback);
  const callback = await passConsent(browser, afterCode);
  expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  const tokens = await finishAuthorization(config, callback.url, start);
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({ email: 'eve@example.com', email_verified: true, phone_number: PHONE, phone_number_verified: true, roles: ['beta'] });
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(userinfo).toMatchObject({ email_verified: true, phone_number: PHONE, phone_number_verified: true });
  expect((await gl.store.invites.findById(invite.id))!.uses).toBe(1);

  // The codes never reached the logs or the audit trail.
  const audit = JSON.stringify((await gl.store.audit.query({}, { limit: 1000 })).items);
  for (const code of [firstEmailCode, firstPhoneCode, emailCode, phoneCode]) {
    expect(gl.logs().includes(code) ? code : null).toBeNull();
    expect(audit.includes(code) ? code : null).toBeNull();
  }
});

test('the code step locks after five wrong codes and says to start again; no account is made', async () => {
  const invite = await createInvite(gl, {});
  const config = await discover(gl.url);
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token, scope: 'openid email phone' });
  const browser = new FormClient();
  const signUp = await browser.get(start.url.toString());
  let page = await browser.submit(signUp, '/register', { email: 'mallory@example.com', password: PASSWORD, phone_number: '+14155550199' });
  const emailCode = await waitForMailedCode(gl, smtp, 'mallory@example.com');
  const phoneCode = textedCodes(sms, '+14155550199').at(-1)!;
  for (let attempt = 1; attempt <= 4; attempt++) {
    page = await browser.submit(page, '/verify', { email_code: wrongCode(emailCode), phone_code: phoneCode });
    expect([attempt, page.status, textOf(page.html, 'email-code-error')]).toEqual([attempt, 400, 'That code is not correct.']);
  }
  // The fifth wrong code ends it: the page says why and offers no code form any more.
  const fifth = await browser.submit(page, '/verify', { email_code: wrongCode(emailCode), phone_code: phoneCode });
  expect(fifth.status).toBe(400);
  expect(textOf(fifth.html, 'form-error')).toBe('Too many wrong codes. Start the sign-up again.');
  expect(fifth.html).not.toMatch(/<form[^>]*action="[^"]*\/verify"/);
  const later = await browser.get(page.url);
  expect(later.status).toBe(429);
  expect(textOf(later.html, 'form-error')).toBe('Too many wrong codes. Start the sign-up again.');
  expect(await gl.store.accounts.findByEmail('mallory@example.com')).toBeNull();
});

test('the code step without a pending sign-up says so instead of failing', async () => {
  const config = await discover(gl.url);
  const start = await startAuthorization(config, { prompt: 'create' });
  const browser = new FormClient();
  const signUp = await browser.get(start.url.toString());
  const uid = /\/interaction\/([^/]+)\/register/.exec(signUp.html)![1];
  const page = await browser.get(`${gl.url}/interaction/${uid}/verify`);
  expect(page.status).toBe(404);
  expect(textOf(page.html, 'form-error')).toBe('This sign-up was not found or has expired. Start the sign-up again.');
});
