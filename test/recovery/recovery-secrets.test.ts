// Recovery and self-service secrets never leave: codes, the codes' links, reset tokens, an admin's
// link, old and new passwords and email-change codes appear in no log line, audit event or webhook;
// and the password.reset_* events do reach the webhook receiver.
import { startGuestlist, type RunningGuestlist, postJson } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { startReceiver, type Receiver } from '../webhooks/receiver.ts';
import { FormClient } from '../support/browser-form.ts';
import { adminPost, deliverRecoveryMail, recoveryCodesTo, registerAccount, wrongRecoveryCode } from './support.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;
let receiver: Receiver;

beforeAll(async () => {
  smtp = await startSmtpServer();
  receiver = await startReceiver();
  gl = await startGuestlist({
    env: { SMTP_URL: smtp.url, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: 'recovery-webhook-secret-0123', INVITATION_WHITELIST_EMAILS: 'open.example' },
    extraDeps: { startWorkers: false, webhookBackoffMs: [1000] },
  });
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
  await receiver.close();
});

test('codes, links, reset tokens and passwords reach no log, audit event or webhook; the events do', async () => {
  const secrets: string[] = [];
  const sub = await registerAccount(gl, 'vera@example.com', 'vera first password');
  secrets.push('vera first password');

  // Through the pages: the code's link, a wrong code, the right one, a weak and a good password.
  const browser = new FormClient();
  await browser.submit(await browser.get(`${gl.url}/recovery`), '/recovery', { email: 'vera@example.com' });
  await deliverRecoveryMail(gl);
  const code = recoveryCodesTo(smtp, 'vera@example.com')[0]!;
  secrets.push(code, wrongRecoveryCode(code));
  const filled = await browser.get(`${gl.url}/recovery/code?code=${code}`);
  await browser.submit(filled, '/recovery/code', { code: wrongRecoveryCode(code) });
  const reset = await browser.submit(filled, '/recovery/code', { code });
  secrets.push('password1234', 'vera second password');
  await browser.submit(reset, '/recovery/reset', { password: 'password1234' });
  await browser.submit(reset, '/recovery/reset', { password: 'vera second password' });

  // Through the API, and an admin's link.
  const asked = await postJson(`${gl.url}/api/recovery`, { email: 'vera@example.com' });
  await deliverRecoveryMail(gl);
  const apiCode = recoveryCodesTo(smtp, 'vera@example.com').pop()!;
  const verified = await postJson(`${gl.url}/api/recovery/verify`, { recovery_id: asked.body.recovery_id, code: apiCode });
  secrets.push(apiCode, verified.body.reset_token, 'vera third password');
  expect((await postJson(`${gl.url}/api/recovery/complete`, { reset_token: verified.body.reset_token, password: 'vera third password' })).status).toBe(204);
  const link = await adminPost(gl, `/admin/users/${sub}/recovery`, { send_email: false });
  const linkToken = new URL(link.body.url).searchParams.get('token')!;
  secrets.push(linkToken, 'vera fourth password');
  await new FormClient().get(link.body.url);
  expect((await postJson(`${gl.url}/api/recovery/complete`, { reset_token: linkToken, password: 'vera fourth password' })).status).toBe(204);

  await gl.guestlist.services.mail.drain();
  expect((await gl.guestlist.services.webhooks.drain()).delivered).toBeGreaterThan(5);
  const logs = gl.logs();
  const audit: string[] = [];
  for await (const event of gl.store.audit.stream({})) audit.push(JSON.stringify(event));
  const webhookBodies = receiver.received.map((r) => `${r.body}\n${JSON.stringify(r.headers)}`).join('\n');
  for (const secret of secrets) {
    expect({ secret, inLogs: logs.includes(secret), inAudit: audit.some((line) => line.includes(secret)), inWebhooks: webhookBodies.includes(secret) }).toEqual({ secret, inLogs: false, inAudit: false, inWebhooks: false });
  }
  // The request lines are there, with the code and token redacted.
  expect(logs).toContain('/recovery/code?code=[redacted]');
  expect(logs).toContain('/recovery/reset?token=[redacted]');
  const delivered = receiver.received.map((r) => JSON.parse(r.body) as { type: string }).map((event) => event.type);
  expect(delivered).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset_failed', 'password.reset_completed']));
});
