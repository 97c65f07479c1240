// Signed webhooks from the durable queue: signatures verify with the README's recipe, the body is
// the API's event shape, a receiver that is down then up gets every event (duplicates keep their
// id), queued events survive a restart, and security.alert also goes to alert_webhook_url.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { createTestClock } from '../support/test-clock.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { call } from '../audit/http.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const SECRET = 'webhook-secret-for-tests-0123456789';
const BACKOFF = [1000, 1000, 1000, 1000, 1000];

/** The README's recipe, verbatim in spirit: HMAC the raw body, compare in constant time. */
function verify(rawBody: string, signatureHeader: string | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const given = Buffer.from(signatureHeader ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function allEventIds(gl: RunningGuestlist): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of gl.store.audit.stream({})) ids.push(event.id);
  return ids;
}

describe('with a webhook receiver', () => {
  let receiver: Receiver;
  let gl: RunningGuestlist;

  beforeEach(async () => {
    receiver = await startReceiver();
    gl = await startGuestlist({ env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET }, extraDeps: { startWorkers: false, webhookBackoffMs: BACKOFF } });
  });
  afterEach(async () => {
    await gl.stop();
    await receiver.close();
  });

  test('each event arrives signed, with its id, in the same shape as GET /admin/audit', async () => {
    const invite = await createInvite(gl, { email: 'hooked@example.com' });
    expect(await gl.guestlist.services.webhooks.drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(verify(delivery!.body, delivery!.headers['x-guestlist-signature'] as string, SECRET)).toBe(true);
    // A tampered body or another key does not verify.
    expect(verify(delivery!.body.replace('invite.created', 'invite.revoked'), delivery!.headers['x-guestlist-signature'] as string, SECRET)).toBe(false);
    expect(verify(delivery!.body, delivery!.headers['x-guestlist-signature'] as string, 'another-secret-entirely')).toBe(false);

    const body = JSON.parse(delivery!.body);
    expect(delivery!.headers['x-guestlist-event-id']).toBe(body.id);
    expect(delivery!.headers['x-guestlist-event-type']).toBe('invite.created');
    const listed = await call('GET', `${gl.url}/admin/audit?invite_id=${invite.id}`, { token: await adminToken(gl) });
    expect(body).toEqual(listed.body.data[0]);
    expect(await gl.guestlist.services.webhooks.pending()).toBe(0);
  });

  test('a receiver that is down, then failing, then up gets every event; duplicates carry the same id and body', async () => {
    await receiver.down();
    const admin = await adminToken(gl);
    const invites = [];
    for (let i = 0; i < 4; i++) invites.push(await createInvite(gl, { email: `down${i}@example.com` }, admin));
    await call('POST', `${gl.url}/admin/invites/${invites[0]!.id}/revoke`, { token: admin });
    await call('POST', `${gl.url}/api/register`, { body: { email: 'down1@example.com', password: 'a decent password', invite_token: invites[1]!.token } });
    const ids = await allEventIds(gl);
    // 4 created, 1 revoked, 1 redeemed, 1 registration.succeeded.
    expect(ids).toHaveLength(7);

    // Down: every attempt fails and is rescheduled; nothing is lost.
    expect(await gl.guestlist.services.webhooks.drain()).toEqual({ delivered: 0, retrying: ids.length, gave_up: 0 });
    expect(await gl.guestlist.services.webhooks.pending()).toBe(ids.length);

    // Up, but answering 500 to the first delivery of each event (after reading it): the receiver
    // has seen the event, we have not heard so, and we send it again.
    await receiver.up();
    const seen = new Set<string>();
    receiver.answer = (_body, headers) => {
      const id = headers['x-guestlist-event-id'] as string;
      if (seen.has(id)) return 200;
      seen.add(id);
      return 500;
    };
    gl.clock.advance(1000);
    expect(await gl.guestlist.services.webhooks.drain()).toEqual({ delivered: 0, retrying: ids.length, gave_up: 0 });
    gl.clock.advance(1000);
    expect(await gl.guestlist.services.webhooks.drain()).toEqual({ delivered: ids.length, retrying: 0, gave_up: 0 });
    expect(await gl.guestlist.services.webhooks.pending()).toBe(0);

    const byId = new Map<string, string[]>();
    for (const delivery of receiver.received) {
      const id = delivery.headers['x-guestlist-event-id'] as string;
      expect(JSON.parse(delivery.body).id).toBe(id);
      expect(verify(delivery.body, delivery.headers['x-guestlist-signature'] as string, SECRET)).toBe(true);
      byId.set(id, [...(byId.get(id) ?? []), delivery.body]);
    }
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    for (const bodies of byId.values()) {
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toBe(bodies[0]);
    }
  });

  test('a receiver that never comes back: the job is given up after the last backoff step, not retried forever', async () => {
    await receiver.down();
    await createInvite(gl, {});
    const queue = gl.guestlist.services.webhooks;
    for (let attempt = 1; attempt <= BACKOFF.length; attempt++) {
      expect(await queue.drain()).toEqual({ delivered: 0, retrying: 1, gave_up: 0 });
      gl.clock.advance(1000);
    }
    expect(await queue.drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 1 });
    expect(await queue.pending()).toBe(0);
  });
});

test('events queued while the receiver is down survive a restart and are delivered by the next instance', async () => {
  const receiver = await startReceiver();
  await receiver.down();
  const clock = createTestClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-webhook-restart-'));
  const store = createEmbeddedStore({ dataDir, clock: clock.now });
  const env = { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET };
  const first = await startGuestlist({ env, store, clock, dataDir, keepStore: true, extraDeps: { startWorkers: false, webhookBackoffMs: BACKOFF } });
  await createInvite(first, { email: 'before-restart@example.com' });
  await createInvite(first, { email: 'also-before@example.com' });
  expect((await first.guestlist.services.webhooks.drain()).retrying).toBe(2);
  await first.stop();

  await receiver.up();
  const second = await startGuestlist({ env, store, clock, dataDir, extraDeps: { startWorkers: false, webhookBackoffMs: BACKOFF } });
  try {
    clock.advance(1000);
    expect(await second.guestlist.services.webhooks.drain()).toEqual({ delivered: 2, retrying: 0, gave_up: 0 });
    const emails = receiver.received.map((r) => JSON.parse(r.body) as { type: string });
    expect(emails.map((e) => e.type)).toEqual(['invite.created', 'invite.created']);
  } finally {
    await second.stop();
    await receiver.close();
  }
});

test('the app starts the worker itself: an event reaches the receiver without anyone draining', async () => {
  const receiver = await startReceiver();
  const gl = await startGuestlist({ env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET } });
  try {
    const invite = await createInvite(gl, {});
    await receiver.waitFor(1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'invite.created', invite_id: invite.id });
  } finally {
    await gl.stop();
    await receiver.close();
  }
});

test('security.alert goes to alert_webhook_url as well; other events only to webhook_url', async () => {
  const main = await startReceiver();
  const alerts = await startReceiver();
  const gl = await startGuestlist({
    env: { WEBHOOK_URL: main.url, ALERT_WEBHOOK_URL: alerts.url, WEBHOOK_SECRET: SECRET, RATE_LIMIT_INVITE_LOOKUPS: '2' },
    extraDeps: { startWorkers: false, webhookBackoffMs: BACKOFF },
  });
  try {
    const invite = await createInvite(gl, {});
    for (let i = 0; i < 4; i++) await call('GET', `${gl.url}/api/invites/${invite.token}`);
    await gl.guestlist.services.webhooks.drain();
    expect(alerts.received).toHaveLength(1);
    const alert = JSON.parse(alerts.received[0]!.body);
    expect(alert).toMatchObject({ type: 'security.alert', reason: 'invite_lookup_limit', ip: '127.0.0.1', data: { kind: 'invite_lookup', count: 3, limit: 2 } });
    expect(verify(alerts.received[0]!.body, alerts.received[0]!.headers['x-guestlist-signature'] as string, SECRET)).toBe(true);
    expect(main.received.map((r) => JSON.parse(r.body).type).sort()).toEqual(['invite.created', 'security.alert']);
  } finally {
    await gl.stop();
    await main.close();
    await alerts.close();
  }
});

test('a node without webhook_url leaves webhook jobs for a node that has it, and alerts for a node with alert_webhook_url', async () => {
  const { createWebhookQueue } = await import('../../src/webhooks/webhook-queue.ts');
  const main = await startReceiver();
  const alerts = await startReceiver();
  const clock = createTestClock();
  const store = createEmbeddedStore({ clock: clock.now });
  const node = (urls: { webhook?: string; alert?: string }) => createWebhookQueue({ jobs: store.jobs, clock: clock.now, urls, secret: SECRET, backoff: BACKOFF });
  try {
    const full = node({ webhook: main.url, alert: alerts.url });
    const event = (type: string) => ({ id: `evt-${type}`, type, at: clock.now(), actor: 'system', inviteId: null, accountId: null, ip: null, userAgent: null, requestId: null, reason: null, data: null });
    expect(await full.enqueue(event('security.alert'))).toBe(2);

    // Neither URL here: nothing is claimed, nothing given up.
    expect(await node({}).drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 0 });
    // Only the main URL here: the main delivery goes, the alert is left alone.
    expect(await node({ webhook: main.url }).drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
    expect(await full.pending()).toBe(1);
    expect(alerts.received).toHaveLength(0);

    expect(await node({ alert: alerts.url }).drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
    expect(main.received).toHaveLength(1);
    expect(alerts.received).toHaveLength(1);
    expect(await full.pending()).toBe(0);
  } finally {
    await store.close();
    await main.close();
    await alerts.close();
  }
});
