// The waitlist's four events reach the webhook receiver, signed like every event, each carrying
// the entry it concerns and never the address, the link's token or the code.
import { createHmac } from 'node:crypto';
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startReceiver, type Receiver } from '../webhooks/receiver.ts';
import type { MailMessage } from '../../src/mail/mail-transport.ts';

const SECRET = 'webhook-secret-for-tests-0123456789';
let receiver: Receiver;
let gl: RunningGuestlist;
const sent: MailMessage[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  gl = await startGuestlist({
    env: { ENABLE_WAITLIST: 'true', WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET },
    extraDeps: {
      startWorkers: false,
      mailTransport: {
        async send(message) {
          sent.push(message);
          return { messageId: String(sent.length) };
        },
      },
    },
  });
});
afterAll(async () => {
  await gl.stop();
  await receiver.close();
});

async function queue(email: string): Promise<{ entryId: string; token: string; code: string }> {
  const asked = await postJson(`${gl.url}/api/waitlist`, { email });
  await gl.guestlist.services.mail.drain();
  const text = sent.filter((m) => m.to === email).pop()!.text;
  const token = /\/waitlist\/confirm\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;
  expect((await postJson(`${gl.url}/api/waitlist/confirm`, { token })).body.status).toBe('queued');
  return { entryId: asked.body.request_id, token, code: /^ {4}(\d{6})$/m.exec(text)![1]! };
}

test('requested, confirmed, approved and denied are delivered, signed, with the entry and without secrets or addresses', async () => {
  const admin = await adminToken(gl);
  const approvedOne = await queue('webhook-yes@example.com');
  const deniedOne = await queue('webhook-no@example.com');
  const approval = await postJson(`${gl.url}/admin/waitlist/${approvedOne.entryId}/approve`, {}, admin);
  expect(approval.status).toBe(201);
  expect((await postJson(`${gl.url}/admin/waitlist/${deniedOne.entryId}/deny`, {}, admin)).status).toBe(200);
  await gl.guestlist.services.webhooks.drain();

  const events = receiver.received.map((delivery) => {
    expect(delivery.headers['x-guestlist-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(delivery.body).digest('hex')}`);
    return JSON.parse(delivery.body) as { type: string; invite_id: string | null; data: Record<string, unknown> | null };
  });
  const waitlistEvents = events.filter((event) => event.type.startsWith('waitlist.'));
  expect(waitlistEvents.map((event) => [event.type, event.data?.waitlist_entry_id])).toEqual([
    ['waitlist.requested', approvedOne.entryId],
    ['waitlist.confirmed', approvedOne.entryId],
    ['waitlist.requested', deniedOne.entryId],
    ['waitlist.confirmed', deniedOne.entryId],
    ['waitlist.approved', approvedOne.entryId],
    ['waitlist.denied', deniedOne.entryId],
  ]);
  expect(waitlistEvents.find((event) => event.type === 'waitlist.approved')!.invite_id).toBe(approval.body.id);
  const bodies = receiver.received.map((delivery) => delivery.body).join('\n');
  for (const secret of [approvedOne.token, deniedOne.token, approval.body.token]) expect(bodies).not.toContain(secret);
  // A code is six digits: looked for as a value, not inside a timestamp or an id.
  expect(bodies).not.toMatch(new RegExp(`[":]\\s*"?${approvedOne.code}"`));
  expect(bodies).not.toContain('webhook-yes@');
  expect(bodies).not.toContain('webhook-no@');
  // The audit log holds the same events the receiver got.
  expect((await getJson(`${gl.url}/admin/audit?type=waitlist.approved`, admin)).body.data).toHaveLength(1);
});
