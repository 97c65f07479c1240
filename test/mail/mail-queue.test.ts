// The durable mail queue on the real embedded store and a real SMTP server: retries, give-ups, restarts.
import { createPayloadSealer } from '../../src/security/payload-sealer.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Store } from '../../src/store/ports.ts';
import { createMailQueue, MAIL_QUEUE, type MailJob, type MailQueueOptions } from '../../src/mail/mail-queue.ts';
import { createMailRenderer, type MailRequest } from '../../src/mail/mail-renderer.ts';
import { createSmtpTransport } from '../../src/mail/smtp-transport.ts';
import type { MailMessage, MailTransport } from '../../src/mail/mail-transport.ts';
import { freePort, startSmtpServer, type TestSmtpServer } from './smtp-test-server.ts';
import { parseMail, partOf } from './mime.ts';
import { LINK, TOKEN, recordingLogger, testClock, testConfig } from './fixtures.ts';

const config = testConfig();
const renderer = createMailRenderer({ branding: config });
const BACKOFF = [10, 20, 40];
const invitation = (to = 'bob@example.org'): MailRequest => ({
  template: 'invitation',
  to,
  inviter: 'Alice Admin',
  expiresAt: new Date('2025-07-08T09:05:00Z'),
  note: null,
  link: LINK,
});

const sealer = createPayloadSealer(['a-test-key-that-is-long-enough-for-hkdf-0123']);

describe('mail queue', () => {
  let store: Store;
  let server: TestSmtpServer | null;
  const clock = testClock();
  const delivered: MailJob[] = [];
  const gaveUp: { job: MailJob; reason: string }[] = [];

  const queueFor = (url: string, extra: Partial<MailQueueOptions> = {}) =>
    createMailQueue({
      store: store.jobs,
      transport: createSmtpTransport({ url, from: config.mail_from }),
      renderer,
      sealer,
      clock: clock.now,
      backoff: BACKOFF,
      onDelivered: (job) => void delivered.push(job),
      onGaveUp: (job, reason) => void gaveUp.push({ job, reason }),
      ...extra,
    });

  beforeEach(() => {
    store = createEmbeddedStore({ clock: clock.now });
    server = null;
    delivered.length = 0;
    gaveUp.length = 0;
  });
  afterEach(async () => {
    await server?.close();
    await store.close();
  });

  test('enqueue stores the rendered message and does not send', async () => {
    server = await startSmtpServer();
    const queue = queueFor(server.url);
    await queue.enqueue(invitation(), { inviteId: 'inv_1' });
    expect(await queue.pending()).toBe(1);
    expect(server.received).toHaveLength(0);

    expect(await queue.drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
    expect(server.received).toHaveLength(1);
    expect(partOf(parseMail(server.received[0]!.raw), 'text/plain')).toContain(LINK);
    expect(delivered).toEqual([{ id: expect.any(String), attempts: 1, to: 'bob@example.org', meta: { inviteId: 'inv_1' } }]);
    expect(await queue.pending()).toBe(0);
  });

  test('SMTP down: the job is retried with backoff, then delivered exactly once when the server is back', async () => {
    const port = await freePort();
    const queue = queueFor(`smtp://127.0.0.1:${port}`);
    const jobId = await queue.enqueue(invitation(), { inviteId: 'inv_2' });

    expect(await queue.runOnce()).toBe('retrying');
    // Not due before its backoff has passed.
    expect(await queue.runOnce()).toBe('idle');
    clock.advance(BACKOFF[0]!);
    expect(await queue.runOnce()).toBe('retrying');
    expect(gaveUp).toEqual([]);
    expect(await queue.pending()).toBe(1);

    server = await startSmtpServer({ port });
    clock.advance(BACKOFF[1]!);
    expect(await queue.drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
    clock.advance(3_600_000);
    expect(await queue.drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 0 });

    expect(server.received).toHaveLength(1);
    expect(delivered).toEqual([{ id: jobId, attempts: 3, to: 'bob@example.org', meta: { inviteId: 'inv_2' } }]);
    expect(await queue.pending()).toBe(0);
  });

  test('a transient failure on every attempt gives up after backoff.length + 1 attempts, with the last error', async () => {
    const queue = queueFor(`smtp://127.0.0.1:${await freePort()}`);
    await queue.enqueue(invitation(), { inviteId: 'inv_3' });
    const outcomes: string[] = [];
    for (const delay of [...BACKOFF, 0]) {
      outcomes.push(await queue.runOnce());
      clock.advance(delay);
    }
    expect(outcomes).toEqual(['retrying', 'retrying', 'retrying', 'gave_up']);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]!.job.meta).toEqual({ inviteId: 'inv_3' });
    expect(gaveUp[0]!.reason).toMatch(/^gave up after 4 attempts: .*(ECONNREFUSED|ESOCKET|ECONNECTION)/);
    clock.advance(3_600_000);
    expect(await queue.runOnce()).toBe('idle');
    expect(await queue.pending()).toBe(0);
  });

  test('a 5xx refusal gives up at once: onGaveUp gets the reason and no further attempt is made', async () => {
    server = await startSmtpServer({ rejectRcpt: { code: 550, message: 'Mailbox unavailable' } });
    const queue = queueFor(server.url);
    await queue.enqueue(invitation('nobody@example.org'), { inviteId: 'inv_4' });

    expect(await queue.runOnce()).toBe('gave_up');
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]!.job).toEqual({ id: expect.any(String), attempts: 1, to: 'nobody@example.org', meta: { inviteId: 'inv_4' } });
    expect(gaveUp[0]!.reason).toContain('550');
    expect(gaveUp[0]!.reason).toContain('Mailbox unavailable');
    expect(gaveUp[0]!.reason).not.toContain(TOKEN);

    clock.advance(24 * 3_600_000);
    expect(await queue.drain()).toEqual({ delivered: 0, retrying: 0, gave_up: 0 });
    expect(server.rcptAttempts).toBe(1);
    expect(delivered).toEqual([]);
    expect(await queue.pending()).toBe(0);
  });

  test('a restart (new store handle and queue on the same database) still delivers a pending job', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-queue-'));
    server = await startSmtpServer();
    await store.close();
    store = createEmbeddedStore({ dataDir, clock: clock.now });
    await queueFor(server.url).enqueue(invitation(), { inviteId: 'inv_5' });
    await store.close();

    store = createEmbeddedStore({ dataDir, clock: clock.now });
    const revived = queueFor(server.url);
    expect(await revived.pending()).toBe(1);
    expect(await revived.drain()).toEqual({ delivered: 1, retrying: 0, gave_up: 0 });
    expect(server.received).toHaveLength(1);
    expect(delivered.map((job) => job.meta)).toEqual([{ inviteId: 'inv_5' }]);
  });

  test('a job held by a worker that died is delivered once its lease runs out', async () => {
    server = await startSmtpServer();
    const queue = queueFor(server.url, { leaseMs: 60_000 });
    await queue.enqueue(invitation(), { inviteId: 'inv_6' });
    // A worker claims the job and dies before sending.
    expect(await store.jobs.claimNext(MAIL_QUEUE, 60_000)).not.toBeNull();

    expect(await queue.runOnce()).toBe('idle');
    clock.advance(60_000);
    expect(await queue.runOnce()).toBe('delivered');
    expect(server.received).toHaveLength(1);
  });

  test('enqueueMany stores every message in one go', async () => {
    server = await startSmtpServer();
    const queue = queueFor(server.url);
    await queue.enqueueMany([
      { request: invitation('a@example.org'), meta: { inviteId: 'a' } },
      { request: invitation('b@example.net'), meta: { inviteId: 'b' } },
    ]);
    expect(await queue.pending()).toBe(2);
    expect(await queue.drain()).toEqual({ delivered: 2, retrying: 0, gave_up: 0 });
    expect(server.received.map((mail) => mail.to[0]).sort()).toEqual(['a@example.org', 'b@example.net']);
    expect(delivered.map((job) => job.meta.inviteId).sort()).toEqual(['a', 'b']);
  });

  test('a throwing onDelivered callback does not cause a resend', async () => {
    server = await startSmtpServer();
    const logger = recordingLogger();
    const queue = queueFor(server.url, {
      logger,
      onDelivered: () => {
        throw new Error('audit store down');
      },
    });
    await queue.enqueue(invitation());
    expect(await queue.runOnce()).toBe('delivered');
    clock.advance(3_600_000);
    expect(await queue.runOnce()).toBe('idle');
    expect(server.received).toHaveLength(1);
    expect(logger.lines.join('\n')).toContain('audit store down');
  });

  test('the worker delivers on its own, and stop() waits for the send in flight', async () => {
    const sent: MailMessage[] = [];
    let release!: () => void;
    let started!: () => void;
    const sending = new Promise<void>((resolve) => (started = resolve));
    const transport: MailTransport = {
      async send(message) {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        sent.push(message);
        return { messageId: '<held@test>' };
      },
    };
    const queue = createMailQueue({ store: store.jobs, transport, renderer, sealer, clock: clock.now, backoff: BACKOFF, pollIntervalMs: 5, onDelivered: (job) => void delivered.push(job) });
    await queue.enqueue(invitation(), { inviteId: 'inv_7' });
    queue.start();
    await sending;

    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(sent).toHaveLength(1);
    expect(delivered.map((job) => job.meta)).toEqual([{ inviteId: 'inv_7' }]);
    expect(await queue.pending()).toBe(0);
  });

  test('logs name the recipient domain, never the address or the link', async () => {
    const logger = recordingLogger();
    const queue = queueFor(`smtp://127.0.0.1:${await freePort()}`, { logger });
    await queue.enqueue(invitation('carol@secret-corp.example'));
    await queue.runOnce();
    const logged = logger.lines.join('\n');
    expect(logged).toContain('secret-corp.example');
    expect(logged).not.toContain('carol@');
    expect(logged).not.toContain(TOKEN);
  });
});

test('a queued invitation is sealed in the store: its link (and token) cannot be read there', async () => {
  const store = createEmbeddedStore();
  const token = 'tok_SEALED_abcdefghijklmnopqrstuvwxyz0123456789';
  const queue = createMailQueue({ store: store.jobs, transport: { send: async () => ({ messageId: 'x' }) }, renderer, sealer, clock: () => new Date() });
  await queue.enqueue({ template: 'invitation', to: 'ann@example.com', inviter: 'Team', expiresAt: new Date(), link: `https://id.example/invite/${token}` }, { inviteId: 'i1' });
  const job = await store.jobs.claimNext('mail', 1000);
  expect(JSON.stringify(job!.payload)).not.toContain(token);
  expect(JSON.stringify(job!.payload)).not.toContain('ann@example.com');
  expect(sealer.open<{ html: string }>(job!.payload.sealed as string).html).toContain(token);
  await store.close();
});
