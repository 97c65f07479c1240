// Signed webhooks: every audit event becomes a job in the store's durable queue of its target (so
// a request never waits on a receiver and a restart loses nothing), and a worker POSTs it with
// retries and backoff. Delivery is at least once; receivers de-duplicate by the event id.
import type { AuditEvent, Job, JobStore } from '../store/ports.ts';
import { presentAuditEvent } from '../audit/audit-presenter.ts';
import { createPollingWorker, type DrainCounts, type RunOutcome } from '../jobs/polling-worker.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import { ALERT_WEBHOOK_QUEUE, WEBHOOK_QUEUE } from '../jobs/queue-names.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signBody } from './webhook-signature.ts';

export { ALERT_WEBHOOK_QUEUE, WEBHOOK_QUEUE };

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

const QUEUE_OF: Record<WebhookTarget, string> = { webhook: WEBHOOK_QUEUE, alert: ALERT_WEBHOOK_QUEUE };

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
  drain(): Promise<DrainCounts>;
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

/** A failed attempt; `permanent` tells the job runner that no retry can succeed. */
class WebhookJobError extends Error {
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.name = 'WebhookJobError';
    this.permanent = permanent;
  }
}

export function createWebhookQueue(options: WebhookQueueOptions): WebhookQueue {
  const { jobs, clock, urls, secret } = options;
  const send = options.fetch ?? fetch;
  const logger = options.logger ?? silent;
  const timeoutMs = options.timeoutMs ?? 10_000;

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
    let response: Response;
    try {
      // No redirects: a receiver that moves must be reconfigured, not followed to wherever it points.
      response = await send(url, { method: 'POST', headers, body: payload.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new WebhookJobError((error as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((error as Error)?.message ?? String(error)), false);
    }
    await response.body?.cancel().catch(() => {});
    if (response.status < 200 || response.status >= 300) throw new WebhookJobError(`receiver answered ${response.status}`, false);
  }

  async function deliver(job: Job): Promise<void> {
    const payload = readPayload(job);
    if (!payload) throw new WebhookJobError('malformed webhook job', true);
    const url = urls[payload.target];
    // Only a job queued before alerts had their own queue can reach a node without its URL:
    // retried, so a node that has the URL may take it, rather than given up here.
    if (!url) throw new WebhookJobError(`no url configured for ${payload.target} on this node`, false);
    await post(payload, url);
  }

  // One runner per target this node can deliver to: a node without a URL leaves that queue to
  // the nodes that have one, instead of failing their jobs.
  const runners = (['webhook', 'alert'] as const)
    .filter((target) => urls[target])
    .map((target) =>
      createJobRunner({
        jobs,
        queue: QUEUE_OF[target],
        label: 'webhook',
        handle: deliver,
        backoff: options.backoff ?? DEFAULT_WEBHOOK_BACKOFF_MS,
        leaseMs: options.leaseMs ?? 60_000,
        logger,
        describe: (job) => ({ event_id: job.payload.event_id, target: job.payload.target }),
      }),
    );

  async function runOnce(): Promise<WebhookOutcome> {
    for (const run of runners) {
      const outcome = await run();
      if (outcome !== 'idle') return outcome;
    }
    return 'idle';
  }

  const worker = createPollingWorker({
    runOnce,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    onError: (error) => logger.error({ error: (error as Error).message }, 'webhook worker error'),
  });

  return {
    async enqueue(event) {
      const targets = targetsFor(event);
      if (!targets.length) return 0;
      const body = JSON.stringify(presentAuditEvent(event));
      const payload = (target: WebhookTarget) => ({ target, event_id: event.id, event_type: event.type, body }) satisfies WebhookPayload;
      // One job per target, each in its target's queue: the deliveries are independent.
      await Promise.all(targets.map((target) => jobs.enqueue(QUEUE_OF[target], payload(target), clock())));
      worker.wake();
      return targets.length;
    },
    runOnce,
    drain: worker.drain,
    start: worker.start,
    stop: worker.stop,
    async pending() {
      return (await jobs.countPending(WEBHOOK_QUEUE)) + (await jobs.countPending(ALERT_WEBHOOK_QUEUE));
    },
  };
}
