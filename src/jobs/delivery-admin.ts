// Deliveries as operators see them: mail and webhook jobs that wait, retry or failed, and sending a
// failed one again. Only what a job says about itself is shown, never a sealed message.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { conflict } from '../errors.ts';
import type { JobFilter, JobStore, JobSummary, Page, PageRequest } from '../store/ports.ts';
import { ALERT_WEBHOOK_QUEUE, MAIL_QUEUE, WEBHOOK_QUEUE } from './queue-names.ts';

export interface Delivery {
  id: string;
  queue: string;
  state: 'waiting' | 'leased' | 'failed' | 'retrying';
  attempts: number;
  /** When it runs next (a lease's end while it runs). */
  runAt: Date;
  lastError: string | null;
  /** The invitation a mail is about, or the audit event a webhook carries. */
  inviteId: string | null;
  eventType: string | null;
  eventId: string | null;
  target: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function present(job: JobSummary): Delivery {
  const payload = job.payload as { meta?: Record<string, unknown>; event_type?: unknown; event_id?: unknown; target?: unknown };
  return {
    id: job.id,
    queue: job.queue,
    state: job.state === 'waiting' && job.lastError ? 'retrying' : job.state,
    attempts: job.attempts,
    runAt: job.runAt,
    lastError: job.lastError,
    inviteId: text(payload.meta?.inviteId),
    eventType: text(payload.event_type),
    eventId: text(payload.event_id),
    target: text(payload.target),
  };
}

export const DELIVERY_QUEUES = [MAIL_QUEUE, WEBHOOK_QUEUE, ALERT_WEBHOOK_QUEUE] as const;

export function createDeliveryAdmin({ jobs, audit }: { jobs: JobStore; audit: AuditRecorder }) {
  return {
    async list(filter: JobFilter, page: PageRequest): Promise<Page<Delivery>> {
      const result = await jobs.list(filter, page);
      return { items: result.items.map(present), nextCursor: result.nextCursor };
    },

    /** Failed and retrying deliveries per queue (the overview's health line). */
    async failing(): Promise<Record<'mail' | 'webhook', { failed: number; retrying: number }>> {
      const [mail, webhook, alert] = await Promise.all(DELIVERY_QUEUES.map((queue) => jobs.countFailing(queue)));
      // Alert webhooks are webhooks too: the overview counts them with the rest.
      return { mail: mail!, webhook: { failed: webhook!.failed + alert!.failed, retrying: webhook!.retrying + alert!.retrying } };
    },

    /** A failed delivery goes out again now, with a fresh set of attempts. */
    async redeliver(id: string, actor: string, meta: RequestMeta): Promise<Delivery> {
      const job = await jobs.redeliver(id);
      if (!job) throw conflict('Only a delivery that failed can be sent again.');
      await audit.record({ type: 'delivery.redelivered', actor, data: { job_id: job.id, queue: job.queue } }, meta);
      return present(job);
    },
  };
}

export type DeliveryAdmin = ReturnType<typeof createDeliveryAdmin>;
