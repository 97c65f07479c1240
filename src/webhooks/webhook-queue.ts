// Signed webhooks: every audit event becomes a job in the store's durable `webhook` queue (so a
// request never waits on a receiver and a restart loses nothing), and a worker POSTs it with
// retries and backoff. Delivery is at least once; receivers de-duplicate by the event id.
import type { AuditEvent, Job, JobStore } from '../store/ports.ts';
import { presentAuditEvent } from '../audit/audit-presenter.ts';
import { createPollingWorker, type RunOutcome } from '../jobs/polling-worker.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signBody } from './webhook-signature.ts';

export const WEBHOOK_QUEUE = 'webhook';

/** Waits before the 2nd, 3rd... attempt; its length + 1 is the number of attempts before giving up (about a day). */
export const DEFAULT_WEBHOOK_BACKOFF_MS = [10_000, 60_000, 300_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000];

export interface WebhookLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const silent: WebhookLogger = { info() {}, warn() {}, error() {} };

/** `webhook` receives every event; `alert` receives security.alert only. */
export type WebhookTarget = 'webhook' | 'alert';

export interface WebhookQueueOptions {
  jobs: JobStore;
  clock: () => Date;
  /** Where each target points; a target without a URL receives nothing. */
  urls: Partial<Record<WebhookTarget, string>>;
  /** HMAC key for X-Guestlist-Signature; without it bodies go unsigned (development only). */
  secret?: string;
  fetch?: typeof fetch;
  logger?: WebhookLogger;
  backoff?: number[];
  /** How long a claimed job is ours; a worker that dies mid-POST frees it after this. */
  leaseMs?: number;
  /** A receiver that takes longer than this counts as down. */
  timeoutMs?: number;
  /** Real-time pause between polls when the queue is empty. */
  pollIntervalMs?: number;
}

export type WebhookOutcome = RunOutcome;

export interface WebhookQueue {
  /** Stores one job per interested target; returns how many. Never waits on a receiver. */
  enqueue(event: AuditEvent): Promise<number>;
  runOnce(): Promise<WebhookOutcome>;
  /** Handles due jobs until none is due at the clock's current time; counts what happened. */
  drain(): Promise<Record<Exclude<WebhookOutcome, 'idle'>, number>>;
  start(): void;
  /** Stops polling and waits for the POST in flight. */
  stop(): Promise<void>;
  pending(): Promise<number>;
}

interface WebhookPayload {
  target: WebhookTarget;
  event_id: string;
  event_type: string;
  /** The exact bytes to send, fixed at enqueue: every retry carries the same body and signature. */
  body: string;
}

function readPayload(job: Job): WebhookPayload | null {
  const p = job.payload as Partial<WebhookPayload>;
  if ((p.target !== 'webhook' && p.target !== 'alert') || typeof p.event_id !== 'string' || typeof p.event_type !== 'string' || typeof p.body !== 'string') return null;
  return p as WebhookPayload;
}

export function createWebhookQueue(options: WebhookQueueOptions): WebhookQueue {
  const { jobs, clock, urls, secret } = options;
  const send = options.fetch ?? fetch;
  const logger = options.logger ?? silent;
  const backoff = options.backoff ?? DEFAULT_WEBHOOK_BACKOFF_MS;
  const maxAttempts = backoff.length + 1;
  const leaseMs = options.leaseMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;

  const targetsFor = (event: AuditEvent): WebhookTarget[] =>
    (['webhook', 'alert'] as const).filter((target) => urls[target] && (target === 'webhook' || event.type === 'security.alert'));

  async function post(payload: WebhookPayload, url: string): Promise<void> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Guestlist-Webhooks/1',
      [EVENT_ID_HEADER]: payload.event_id,
      [EVENT_TYPE_HEADER]: payload.event_type,
    };
    if (secret) headers[SIGNATURE_HEADER] = signBody(payload.body, secret);
    // No redirects: a receiver that moves must be reconfigured, not followed to wherever it points.
    const response = await send(url, { method: 'POST', headers, body: payload.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => {});
    if (response.status < 200 || response.status >= 300) throw new Error(`receiver answered ${response.status}`);
  }

  async function runOnce(): Promise<WebhookOutcome> {
    const job = await jobs.claimNext(WEBHOOK_QUEUE, clock(), leaseMs);
    if (!job) return 'idle';
    const payload = readPayload(job);
    const url = payload ? urls[payload.target] : undefined;
    if (!payload || !url) {
      // A malformed job, or a target unset since it was queued: nothing will ever deliver it.
      await jobs.fail(job.id, payload ? `no url configured for ${payload.target}` : 'malformed webhook job');
      return 'gave_up';
    }
    const log = { job_id: job.id, event_id: payload.event_id, target: payload.target, attempt: job.attempts };
    try {
      await post(payload, url);
    } catch (error) {
      const reason = (error as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((error as Error)?.message ?? String(error));
      if (job.attempts >= maxAttempts) {
        await jobs.fail(job.id, `gave up after ${job.attempts} attempts: ${reason}`);
        logger.error({ ...log, error: reason }, 'webhook delivery gave up');
        return 'gave_up';
      }
      const delay = backoff[job.attempts - 1] ?? backoff[backoff.length - 1] ?? 0;
      await jobs.retry(job.id, new Date(clock().getTime() + delay), reason);
      logger.warn({ ...log, error: reason, retry_in_ms: delay }, 'webhook delivery failed; will retry');
      return 'retrying';
    }
    await jobs.complete(job.id);
    return 'delivered';
  }

  const worker = createPollingWorker({
    runOnce,
    pollIntervalMs,
    onError: (error) => logger.error({ error: (error as Error).message }, 'webhook worker error'),
  });

  return {
    async enqueue(event) {
      const targets = targetsFor(event);
      if (!targets.length) return 0;
      const body = JSON.stringify(presentAuditEvent(event));
      const payloads = targets.map((target) => ({ target, event_id: event.id, event_type: event.type, body }) satisfies WebhookPayload);
      await jobs.enqueueMany(WEBHOOK_QUEUE, payloads, clock());
      worker.wake();
      return payloads.length;
    },
    runOnce,
    drain: worker.drain,
    start: worker.start,
    stop: worker.stop,
    pending() {
      return jobs.countPending(WEBHOOK_QUEUE);
    },
  };
}
