// The invitation email end to end over real SMTP (an in-process smtp-server): both parts and the
// link built from issuer whatever Host says; resend; queue durability; permanent failure; revoke.
import { request } from 'node:http';
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { freePort, startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { parseMail, partOf } from '../mail/mime.ts';
import { FormClient } from '../support/browser-form.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer | null = null;
let admin: string;
let port: number;

beforeAll(async () => {
  port = await freePort();
  gl = await startGuestlist({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` }, extraDeps: { startWorkers: false, mailBackoffMs: [1_000, 1_000, 1_000] } });
  admin = await adminToken(gl);
});
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});
afterAll(() => gl.stop());

const mail = () => gl.guestlist.services.mail;
const linkIn = (text: string) => /https?:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];

/** POST /admin/invites with forged Host and X-Forwarded-Host headers (fetch cannot set Host). */
function createWithForgedHost(body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const url = new URL(`${gl.url}/admin/invites`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', 'Content-Type': 'application/json', Authorization: `Bearer ${admin}`, 'Content-Length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function auditOf(inviteId: string, type: string) {
  return (await getJson(`${gl.url}/admin/audit?invite_id=${inviteId}&type=${type}`, admin)).body.data as Array<{ reason: string | null; actor: string }>;
}

test('the invitation arrives over SMTP with both parts and the link built from issuer, not Host', async () => {
  smtp = await startSmtpServer({ port });
  const created = await createWithForgedHost({ email: 'smtp-guest@example.com', note: 'See you at the meetup' });
  expect(created.status).toBe(201);
  expect(created.body.url).toBe(`${gl.url}/invite/${created.body.token}`);
  expect(await mail().drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
  expect(smtp.received).toHaveLength(1);
  expect(smtp.received[0]!.to).toEqual(['smtp-guest@example.com']);
  const parsed = parseMail(smtp.received[0]!.raw);
  const text = partOf(parsed, 'text/plain');
  const html = partOf(parsed, 'text/html');
  expect(linkIn(text)).toBe(`${gl.url}/invite/${created.body.token}`);
  expect(html).toContain(`href="${gl.url}/invite/${created.body.token}"`);
  expect(text).toContain('See you at the meetup');
  expect(smtp.received[0]!.raw).not.toContain('evil.example');
  expect(await auditOf(created.body.id, 'invite.sent')).toHaveLength(1);
});

test('a resend delivers the new link; the old token is dead at once and the new one works', async () => {
  smtp = await startSmtpServer({ port });
  const first = await postJson(`${gl.url}/admin/invites`, { email: 'resend-guest@example.com' }, admin);
  await mail().drain();
  const resent = await postJson(`${gl.url}/admin/invites/${first.body.id}/resend`, {}, admin);
  expect(resent.status).toBe(200);
  expect(resent.body.token).not.toBe(first.body.token);
  expect(await mail().drain()).toMatchObject({ delivered: 1 });
  expect(smtp.received).toHaveLength(2);
  expect(linkIn(partOf(parseMail(smtp.received[1]!.raw), 'text/plain'))).toBe(`${gl.url}/invite/${resent.body.token}`);
  expect((await getJson(`${gl.url}/api/invites/${first.body.token}`)).body).toEqual({ valid: false, reason: 'unknown' });
  expect((await getJson(`${gl.url}/api/invites/${resent.body.token}`)).body).toMatchObject({ valid: true, email: 'resend-guest@example.com' });
  expect((await new FormClient().get(`${gl.url}/invite/${first.body.token}`)).status).toBe(404);
});

test('an expired invite can be resent (expiry starts again); a revoked one cannot be resent or revoked again', async () => {
  const invite = await postJson(`${gl.url}/admin/invites`, { expires_in_days: 1, send_email: false }, admin);
  gl.clock.advance(2 * 24 * 3600 * 1000);
  admin = await adminToken(gl);
  expect((await getJson(`${gl.url}/api/invites/${invite.body.token}`)).body).toEqual({ valid: false, reason: 'expired' });
  const resent = await postJson(`${gl.url}/admin/invites/${invite.body.id}/resend`, {}, admin);
  expect(resent.body.status).toBe('pending');
  expect(Date.parse(resent.body.expires_at)).toBeGreaterThan(gl.clock.now().getTime());
  expect((await postJson(`${gl.url}/admin/invites/${invite.body.id}/revoke`, {}, admin)).body.status).toBe('revoked');
  const again = await postJson(`${gl.url}/admin/invites/${invite.body.id}/resend`, {}, admin);
  expect(again.status).toBe(409);
  expect(again.body.error).toBe('conflict');
  expect((await postJson(`${gl.url}/admin/invites/${invite.body.id}/revoke`, {}, admin)).status).toBe(409);
  expect((await postJson(`${gl.url}/admin/invites/00000000-0000-0000-0000-000000000000/revoke`, {}, admin)).status).toBe(404);
});

test('a revoked link answers 410 with its own page', async () => {
  const invite = await postJson(`${gl.url}/admin/invites`, {}, admin);
  await postJson(`${gl.url}/admin/invites/${invite.body.id}/revoke`, {}, admin);
  const page = await new FormClient().get(`${gl.url}/invite/${invite.body.token}`);
  expect(page.status).toBe(410);
  expect(page.html).toContain('This invitation has been withdrawn.');
  expect((await getJson(`${gl.url}/api/invites/${invite.body.token}`)).body).toEqual({ valid: false, reason: 'revoked' });
});

test('SMTP down, then up: the invitation is delivered exactly once and invite.sent recorded once', async () => {
  const invite = await postJson(`${gl.url}/admin/invites`, { email: 'durable@example.com' }, admin);
  expect(invite.status).toBe(201);
  expect(await mail().drain()).toEqual({ delivered: 0, retrying: 1, gave_up: 0 });
  expect(await mail().drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 0 });
  smtp = await startSmtpServer({ port });
  gl.clock.advance(1_000);
  expect(await mail().drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
  gl.clock.advance(10_000);
  expect(await mail().drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 0 });
  expect(smtp.received.filter((m) => m.to.includes('durable@example.com'))).toHaveLength(1);
  expect(await auditOf(invite.body.id, 'invite.sent')).toHaveLength(1);
  expect(await auditOf(invite.body.id, 'invite.send_failed')).toHaveLength(0);
});

test('a permanent failure records invite.send_failed with the reason, and the invite stays usable', async () => {
  smtp = await startSmtpServer({ port, rejectRcpt: { code: 550, message: 'Mailbox unavailable' } });
  const invite = await postJson(`${gl.url}/admin/invites`, { email: 'bounce@example.com' }, admin);
  expect(await mail().drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 1 });
  const failed = await auditOf(invite.body.id, 'invite.send_failed');
  expect(failed).toHaveLength(1);
  expect(failed[0]!.reason).toMatch(/550|Mailbox unavailable/);
  expect(failed[0]!.reason).not.toContain(invite.body.token);
  expect((await getJson(`${gl.url}/api/invites/${invite.body.token}`)).body).toMatchObject({ valid: true, email: 'bounce@example.com' });
});
