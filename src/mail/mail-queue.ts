// The durable mail queue: renders at enqueue, stores the message as a job, and a worker delivers it with retries.
import type { ClaimedJob, Job, JobStore } from '../store/ports.ts';
import { MailDeliveryError, type MailMessage, type MailTransport } from './mail-transport.ts';
import type { MailRenderer, MailRequest } from './mail-renderer.ts';
import { recipientDomain, silentLogger, type Logger } from './logger.ts';
import type { PayloadSealer } from '../security/payload-sealer.ts';
import { createPollingWorker, type DrainCounts, type RunOutcome } from '../jobs/polling-worker.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import { MAIL_QUEUE } from '../jobs/queue-names.ts';

export { MAIL_QUEUE };

/** Waits before the 2nd, 3rd... attempt; its length + 1 is the number of attempts before giving up. */
export const DEFAULT_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000];

/**
 * What the callbacks receive: the job's identity and the caller's meta, never the message,
 * whose body holds the invitation link (callbacks tend to end up in logs and audit events).
 */
export interface MailJob {
  id: string;
  attempts: number;
  to: string;
  meta: Record<string, unknown>;
}

export type { RunOutcome };

export interface MailQueueOptions {
  store: JobStore;
  transport: MailTransport;
  renderer: MailRenderer;
  /** Seals the rendered message in the store: an invitation's body holds its token. */
  sealer: PayloadSealer;
  clock: () => Date;
  logger?: Logger;
  /** After the message is sent and the job completed (the app records invite.sent). */
  onDelivered?: (job: MailJob) => void | Promise<void>;
  /** After a permanent failure or the last attempt (the app records invite.send_failed with the reason). */
  onGaveUp?: (job: MailJob, reason: string) => void | Promise<void>;
  backoff?: number[];
  /** How long a claimed job is ours; a worker that dies mid-send frees it after this. */
  leaseMs?: number;
  /** Real-time pause between polls when the queue is empty. */
  pollIntervalMs?: number;
}

export interface MailQueue {
  /** Renders and stores; returns the job id. Never waits for SMTP. */
  enqueue(request: MailRequest, meta?: Record<string, unknown>): Promise<string>;
  /** Renders all, then stores all in one go (bulk invitations). */
  enqueueMany(items: { request: MailRequest; meta?: Record<string, unknown> }[]): Promise<void>;
  /** Claims and handles one due job. */
  runOnce(): Promise<RunOutcome>;
  /** Handles due jobs until none is due at the clock's current time; counts what happened. */
  drain(): Promise<DrainCounts>;
  start(): void;
  /** Stops polling and waits for the send in flight, so shutdown does not cut a message in half. */
  stop(): Promise<void>;
  pending(): Promise<number>;
}

interface MailPayload {
  message: MailMessage;
  meta: Record<string, unknown>;
}

function readPayload(job: Job, sealer: PayloadSealer): MailPayload {
  const payload = job.payload as { sealed?: unknown; meta?: Record<string, unknown> };
  let message: MailMessage | undefined;
  try {
    message = typeof payload.sealed === 'string' ? sealer.open<MailMessage>(payload.sealed) : undefined;
  } catch {
    message = undefined;
  }
  if (!message || typeof message.to !== 'string' || typeof message.subject !== 'string' || typeof message.html !== 'string' || typeof message.text !== 'string') {
    throw new MailDeliveryError('malformed mail job payload', { permanent: true });
  }
  return { message, meta: payload.meta ?? {} };
}

export function createMailQueue(options: MailQueueOptions): MailQueue {
  const { store, transport, renderer, sealer, clock } = options;
  const logger = options.logger ?? silentLogger;

  // Rendering before storing means a template error surfaces to the caller, and a restart
  // finds the exact message it promised to send.
  const toPayload = (request: MailRequest, meta: Record<string, unknown> = {}): Record<string, unknown> => ({
    sealed: sealer.seal(renderer.render(request)),
    meta,
  });

  // Opened once per claim: the handler, the log fields and the callbacks all read it.
  const opened = new WeakMap<Job, MailPayload>();
  const payloadOf = (job: Job): MailPayload => {
    let payload = opened.get(job);
    if (!payload) opened.set(job, (payload = readPayload(job, sealer)));
    return payload;
  };
  /** The callbacks' view of a job; a malformed one still has its id and meta. */
  const mailJob = (job: ClaimedJob): MailJob => {
    try {
      const { message, meta } = payloadOf(job);
      return { id: job.id, attempts: job.attempts, to: message.to, meta };
    } catch {
      return { id: job.id, attempts: job.attempts, to: '', meta: (job.payload.meta as Record<string, unknown> | undefined) ?? {} };
    }
  };

  const runOnce = createJobRunner({
    jobs: store,
    queue: MAIL_QUEUE,
    label: 'mail',
    backoff: options.backoff ?? DEFAULT_BACKOFF_MS,
    leaseMs: options.leaseMs ?? 60_000,
    logger,
    async handle(job) {
      try {
        await transport.send(payloadOf(job).message);
      } catch (error) {
        throw error instanceof MailDeliveryError ? error : new MailDeliveryError((error as Error)?.message ?? String(error), { permanent: false, cause: error });
      }
    },
    describe: (job) => ({ to_domain: recipientDomain(mailJob(job).to) }),
    onDone: (job) => options.onDelivered?.(mailJob(job)),
    onGaveUp: (job, reason) => options.onGaveUp?.(mailJob(job), reason),
  });

  const worker = createPollingWorker({
    runOnce,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    // The store is unreachable: keep polling, the next tick may find it back.
    onError: (error) => logger.error({ error: (error as Error).message }, 'mail queue worker error'),
  });

  return {
    async enqueue(request, meta) {
      const job = await store.enqueue(MAIL_QUEUE, toPayload(request, meta), clock());
      worker.wake();
      return job.id;
    },
    async enqueueMany(items) {
      if (!items.length) return;
      await store.enqueueMany(MAIL_QUEUE, items.map((item) => toPayload(item.request, item.meta)), clock());
      worker.wake();
    },
    runOnce,
    drain: worker.drain,
    start: worker.start,
    stop: worker.stop,
    pending() {
      return store.countPending(MAIL_QUEUE);
    },
  };
}
