// Sign-up with email and phone codes through the JSON API: codes delivered over real SMTP and a
// local SMS gateway, no account before the code, wrong / expired / locked / reused codes refused.
import { freePort, startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { mailedCodes, startSmsReceiver, textedCodes, waitForMailedCode, wrongCode, type SmsReceiver } from './support.ts';

const PASSWORD = 'a long enough password';
const PHONE = '+14155552671';
const MINUTE = 60_000;

let smtp: TestSmtpServer;
let sms: SmsReceiver;

beforeAll(async () => {
  smtp = await startSmtpServer();
  sms = await startSmsReceiver();
});
afterAll(async () => {
  await smtp.close();
  await sms.close();
});

/** Every code string any test here saw delivered: none may show up in logs or audit events. */
const seenCodes = new Set<string>();
const remember = (code: string) => {
  seenCodes.add(code);
  return code;
};

async function assertNoCodesLeaked(gl: RunningGuestlist): Promise<void> {
  const events = await gl.store.audit.query({}, { limit: 1000 });
  const auditText = JSON.stringify(events.items);
  const logs = gl.logs();
  expect(seenCodes.size).toBeGreaterThan(0);
  for (const code of seenCodes) {
    expect(logs.includes(code) ? code : null).toBeNull();
    expect(auditText.includes(code) ? code : null).toBeNull();
  }
  expect(logs).not.toContain(PASSWORD);
  expect(auditText).not.toContain(PASSWORD);
}

describe('email verification', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({ env: { SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: 'true', RATE_LIMIT_CODE_FAILURES: '1000' } });
  });
  afterAll(() => gl.stop());
  const register = (body: Record<string, unknown>) => postJson(`${gl.url}/api/register`, body);
  const verify = (body: Record<string, unknown>) => postJson(`${gl.url}/api/register/verify`, body);

  test('an open invite: 202, no account until the mailed code; the right code creates it once and claims the use', async () => {
    const invite = await createInvite(gl, { max_uses: 3 });
    const started = await register({ email: 'Open@Example.com', password: PASSWORD, invite_token: invite.token });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ status: 'verification_required', verification_id: expect.any(String), channels: ['email'] });
    expect(await gl.store.accounts.findByEmail('open@example.com')).toBeNull();
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);

    const code = remember(await waitForMailedCode(gl, smtp, 'open@example.com'));
    expect(code).toMatch(/^\d{6}$/);
    const stored = await gl.store.verifications.findById(started.body.verification_id);
    // Only hashes and the password hash are kept: neither the code nor the password in plaintext.
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);

    const wrong = await verify({ verification_id: started.body.verification_id, email_code: wrongCode(code) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_code', message: 'That code is not correct.' });
    expect(await gl.store.accounts.findByEmail('open@example.com')).toBeNull();

    const done = await verify({ verification_id: started.body.verification_id, email_code: code });
    expect(done.status).toBe(201);
    expect(done.body).toEqual({ message: 'User created successfully', sub: expect.any(String) });
    const account = await gl.store.accounts.findById(done.body.sub);
    expect(account).toMatchObject({ email: 'open@example.com', emailVerified: true, inviteId: invite.id });
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(1);

    const again = await verify({ verification_id: started.body.verification_id, email_code: code });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
    expect((await gl.store.accounts.list({ email: 'open@example.com' }, { limit: 10 })).items).toHaveLength(1);
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(1);
  });

  test('an invitation bound to the typed address needs no code: 201 at once, email_verified', async () => {
    const invite = await createInvite(gl, { email: 'bound@example.com' });
    const created = await register({ email: 'bound@example.com', password: PASSWORD, invite_token: invite.token });
    expect(created.status).toBe(201);
    expect((await gl.store.accounts.findById(created.body.sub))!.emailVerified).toBe(true);
    // The invitation itself was mailed there (queued before the sign-up); a code was not.
    const isCodeMail = (raw: string) => /^Subject: .*verification code/im.test(raw);
    let toBound: typeof smtp.received = [];
    for (let round = 0; round < 400 && !toBound.length; round++) {
      await gl.guestlist.services.mail.drain();
      toBound = smtp.received.filter((mail) => mail.to.includes('bound@example.com'));
      if (!toBound.length) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(toBound).toHaveLength(1);
    expect(toBound.filter((mail) => isCodeMail(mail.raw))).toEqual([]);
    // The same test does recognise a code email.
    expect(smtp.received.filter((mail) => mail.to.includes('open@example.com') && isCodeMail(mail.raw))).toHaveLength(1);
  });

  test('five wrong codes lock the verification: then even the right code is 429 with Retry-After', async () => {
    const invite = await createInvite(gl, {});
    const started = await register({ email: 'lock@example.com', password: PASSWORD, invite_token: invite.token });
    const code = remember(await waitForMailedCode(gl, smtp, 'lock@example.com'));
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await verify({ verification_id: started.body.verification_id, email_code: wrongCode(code) });
      expect([attempt, wrong.status, wrong.body.error]).toEqual([attempt, 400, 'invalid_code']);
    }
    const locked = await verify({ verification_id: started.body.verification_id, email_code: code });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('verification_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await gl.store.accounts.findByEmail('lock@example.com')).toBeNull();
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
    // A new code does not unlock it either.
    gl.clock.advance(2 * MINUTE);
    const resend = await postJson(`${gl.url}/api/register/resend`, { verification_id: started.body.verification_id });
    expect(resend.status).toBe(429);
    expect(resend.body.error).toBe('verification_locked');
  });

  test('a code past its 10 minutes is refused (400 code_expired); a new code replaces the old one', async () => {
    const invite = await createInvite(gl, {});
    const started = await register({ email: 'slow@example.com', password: PASSWORD, invite_token: invite.token });
    const id = started.body.verification_id;
    const first = remember(await waitForMailedCode(gl, smtp, 'slow@example.com'));
    gl.clock.advance(11 * MINUTE);
    const expired = await verify({ verification_id: id, email_code: first });
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('code_expired');
    expect(await gl.store.accounts.findByEmail('slow@example.com')).toBeNull();

    const resent = await postJson(`${gl.url}/api/register/resend`, { verification_id: id });
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ status: 'verification_required', verification_id: id, channels: ['email'] });
    const second = remember(await waitForMailedCode(gl, smtp, 'slow@example.com', 2));
    if (second !== first) {
      const old = await verify({ verification_id: id, email_code: first });
      expect(old.status).toBe(400);
      expect(old.body.error).toBe('invalid_code');
    }
    const done = await verify({ verification_id: id, email_code: second });
    expect(done.status).toBe(201);
  });

  test('"send a new code" waits a minute between sends and stops after five', async () => {
    const invite = await createInvite(gl, {});
    const started = await register({ email: 'resend@example.com', password: PASSWORD, invite_token: invite.token });
    const id = started.body.verification_id;
    const resend = () => postJson(`${gl.url}/api/register/resend`, { verification_id: id });
    const tooSoon = await resend();
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error).toBe('resend_too_soon');
    expect(Number(tooSoon.headers.get('retry-after'))).toBe(60);
    for (let i = 1; i <= 5; i++) {
      gl.clock.advance(MINUTE);
      const ok = await resend();
      expect([i, ok.status]).toEqual([i, 202]);
    }
    gl.clock.advance(MINUTE);
    const capped = await resend();
    expect(capped.status).toBe(429);
    expect(capped.body.error).toBe('resend_limit');
    await gl.guestlist.services.mail.drain();
    await waitForMailedCode(gl, smtp, 'resend@example.com', 6);
    for (const code of mailedCodes(smtp, 'resend@example.com')) remember(code);
  });

  test('someone who is too slow learns that the last place went meanwhile (403 invalid_invite)', async () => {
    const invite = await createInvite(gl, { max_uses: 1 });
    const slow = await register({ email: 'slowpoke@example.com', password: PASSWORD, invite_token: invite.token });
    const fast = await register({ email: 'speedy@example.com', password: PASSWORD, invite_token: invite.token });
    expect([slow.status, fast.status]).toEqual([202, 202]);
    const fastCode = remember(await waitForMailedCode(gl, smtp, 'speedy@example.com'));
    const slowCode = remember(await waitForMailedCode(gl, smtp, 'slowpoke@example.com'));
    expect((await verify({ verification_id: fast.body.verification_id, email_code: fastCode })).status).toBe(201);
    const late = await verify({ verification_id: slow.body.verification_id, email_code: slowCode });
    expect(late.status).toBe(403);
    expect(late.body.error).toBe('invalid_invite');
    expect(late.body.message).toMatch(/used up .* meanwhile|used up by someone else/);
    expect(await gl.store.accounts.findByEmail('slowpoke@example.com')).toBeNull();
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(1);
  });

  test('unknown, missing and long-gone verifications', async () => {
    const unknown = await verify({ verification_id: 'no-such-verification', email_code: '123456' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
    const invite = await createInvite(gl, {});
    const started = await register({ email: 'gone@example.com', password: PASSWORD, invite_token: invite.token });
    const code = remember(await waitForMailedCode(gl, smtp, 'gone@example.com'));
    const noCode = await verify({ verification_id: started.body.verification_id });
    expect(noCode.status).toBe(400);
    expect(noCode.body).toMatchObject({ error: 'invalid_request', details: [{ path: 'email_code', message: 'is required' }] });
    const malformed = await verify({ verification_id: started.body.verification_id, email_code: { $ne: null } });
    expect(malformed.status).toBe(400);
    // Past its lifetime the pending sign-up is gone, and the next sign-up sweeps it out of the store.
    gl.clock.advance(61 * MINUTE);
    const late = await verify({ verification_id: started.body.verification_id, email_code: code });
    expect(late.status).toBe(404);
    await register({ email: 'sweeper@example.com', password: PASSWORD, invite_token: (await createInvite(gl, {})).token });
    expect(await gl.store.verifications.findById(started.body.verification_id)).toBeNull();
    remember(await waitForMailedCode(gl, smtp, 'sweeper@example.com'));
  });

  test('no code delivered above ever reached a log line or an audit event', async () => {
    await assertNoCodesLeaked(gl);
  });
});

describe('phone verification', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({
      env: { SMTP_URL: smtp.url, SMS_WEBHOOK_URL: sms.url, REQUIRE_EMAIL_VERIFICATION: 'true', REQUIRE_PHONE_VERIFICATION: 'true', RATE_LIMIT_CODE_FAILURES: '1000' },
    });
  });
  afterAll(() => gl.stop());
  const register = (body: Record<string, unknown>) => postJson(`${gl.url}/api/register`, body);

  test('a missing or malformed phone number is 400 invalid_request with details, and sends and changes nothing', async () => {
    const invite = await createInvite(gl, {});
    const texts = sms.received.length;
    const missing = await register({ email: 'nophone@example.com', password: PASSWORD, invite_token: invite.token });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request', details: [{ path: 'phone_number', message: 'is required' }] });
    for (const bad of ['12345', '+1 555', 'call me', '+999999999999', '4155552671', '+1415555267a']) {
      const refused = await register({ email: 'badphone@example.com', password: PASSWORD, invite_token: invite.token, phone_number: bad });
      expect([bad, refused.status, refused.body.error]).toEqual([bad, 400, 'invalid_request']);
      expect(refused.body.details).toEqual([{ path: 'phone_number', message: expect.stringContaining('international format') }]);
    }
    expect(sms.received.length).toBe(texts);
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
    expect(await gl.store.accounts.findByEmail('badphone@example.com')).toBeNull();
  });

  test('both codes are delivered (SMTP and the SMS gateway); both are needed; the account gets a verified E.164 number', async () => {
    const invite = await createInvite(gl, { roles: ['beta'] });
    const started = await register({ email: 'phone@example.com', password: PASSWORD, invite_token: invite.token, phone_number: '+1 (415) 555-2671' });
    expect(started.status).toBe(202);
    expect(started.body.channels).toEqual(['email', 'phone']);
    expect(sms.received.at(-1)).toEqual({ to: PHONE, body: expect.stringMatching(/\b\d{6}\b/) });
    const phoneCode = remember(textedCodes(sms, PHONE).at(-1)!);
    const emailCode = remember(await waitForMailedCode(gl, smtp, 'phone@example.com'));
    expect(await gl.store.accounts.findByEmail('phone@example.com')).toBeNull();

    const id = started.body.verification_id;
    const onlyEmail = await postJson(`${gl.url}/api/register/verify`, { verification_id: id, email_code: emailCode });
    expect(onlyEmail.status).toBe(400);
    expect(onlyEmail.body.details).toEqual([{ path: 'phone_code', message: 'is required' }]);
    const swapped = await postJson(`${gl.url}/api/register/verify`, { verification_id: id, email_code: phoneCode, phone_code: emailCode });
    if (phoneCode !== emailCode) expect(swapped.body.error).toBe('invalid_code');
    const done = await postJson(`${gl.url}/api/register/verify`, { verification_id: id, email_code: emailCode, phone_code: phoneCode });
    expect(done.status).toBe(201);
    expect(await gl.store.accounts.findById(done.body.sub)).toMatchObject({
      email: 'phone@example.com',
      emailVerified: true,
      phoneNumber: PHONE,
      phoneNumberVerified: true,
      roles: ['beta'],
    });
  });

  test('an invitation bound to the email still needs the phone code; its email counts as verified', async () => {
    const invite = await createInvite(gl, { email: 'boundphone@example.com' });
    const started = await register({ email: 'boundphone@example.com', password: PASSWORD, invite_token: invite.token, phone_number: '+447911123456' });
    expect(started.status).toBe(202);
    expect(started.body.channels).toEqual(['phone']);
    const code = remember(textedCodes(sms, '+447911123456').at(-1)!);
    const done = await postJson(`${gl.url}/api/register/verify`, { verification_id: started.body.verification_id, phone_code: code });
    expect(done.status).toBe(201);
    expect(await gl.store.accounts.findById(done.body.sub)).toMatchObject({ emailVerified: true, phoneNumber: '+447911123456', phoneNumberVerified: true });
  });

  test('no code delivered above ever reached a log line or an audit event', async () => {
    await assertNoCodesLeaked(gl);
  });
});

describe('SMS gateway down', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({ env: { SMS_WEBHOOK_URL: `http://127.0.0.1:${await freePort()}/sms`, REQUIRE_PHONE_VERIFICATION: 'true' } });
  });
  afterAll(() => gl.stop());

  test('sign-up answers 503 sms_unavailable with Retry-After, and nothing is claimed or created', async () => {
    const invite = await createInvite(gl, {});
    const refused = await postJson(`${gl.url}/api/register`, { email: 'offline@example.com', password: PASSWORD, invite_token: invite.token, phone_number: PHONE });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'sms_unavailable', message: 'The text message could not be sent right now. Try again in a minute.' });
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await gl.store.accounts.findByEmail('offline@example.com')).toBeNull();
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
  });
});
