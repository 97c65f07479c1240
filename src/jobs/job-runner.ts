// Runs one job of a durable queue to its end: claims it under a lease, hands it to the queue's
// handler, then completes it, retries it with backoff or gives it up. Every queue (mail,
// webhooks) shares this one policy; a queue only says how to do its work and what to log.
import type { ClaimedJob, JobStore } from '../store/ports.ts';
import type { RunOutcome } from './polling-worker.ts';

export interface JobRunnerLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface JobRunnerOptions {
  jobs: JobStore;
  queue: string;
  /** Names the work in log lines: `${label} delivery gave up`. */
  label: string;
  /**
   * Does the job's work. A throw is a failed attempt; an error carrying `permanent: true` gives
   * the job up at once (nothing will ever make it succeed), any other is retried.
   */
  handle: (job: ClaimedJob) => Promise<void>;
  /** Waits before the 2nd, 3rd... attempt; its length + 1 is the number of attempts before giving up. */
  backoff: readonly number[];
  /** How long a claimed job is ours; a worker that dies or stalls frees it after this. */
  leaseMs: number;
  logger: JobRunnerLogger;
  /** Log fields for a job, never its secrets (the recipient's domain, an event id...). */
  describe?: (job: ClaimedJob) => Record<string, unknown>;
  /** After the work is done and the job completed. */
  onDone?: (job: ClaimedJob) => void | Promise<void>;
  /** After a permanent failure or the last attempt, with the reason recorded on the job. */
  onGaveUp?: (job: ClaimedJob, reason: string) => void | Promise<void>;
}

const isPermanent = (error: unknown): boolean => (error as { permanent?: unknown } | null)?.permanent === true;
const messageOf = (error: unknown): string => (error as Error | null)?.message ?? String(error);

/** Claims and handles one due job of the queue; 'idle' when none is due. */
export function createJobRunner(options: JobRunnerOptions): () => Promise<RunOutcome> {
  const { jobs, queue, label, handle, backoff, leaseMs, logger } = options;
  const maxAttempts = backoff.length + 1;

  const describe = (job: ClaimedJob): Record<string, unknown> => {
    try {
      return { job_id: job.id, attempt: job.attempts, ...options.describe?.(job) };
    } catch {
      return { job_id: job.id, attempt: job.attempts };
    }
  };

  const safely = async (what: string, job: ClaimedJob, fn: () => void | Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      // A failing callback must not turn finished work into a retry.
      logger.error({ job_id: job.id, error: messageOf(error) }, `${label} queue ${what} callback failed`);
    }
  };

  // The lease ran out and another worker claimed the job meanwhile: it is theirs to finish.
  const lost = (job: ClaimedJob, fields: Record<string, unknown>) => {
    logger.warn(fields, `${label} job lease lost: another worker holds it now`);
    return 'lease_lost' as const;
  };

  return async function runOnce(): Promise<RunOutcome> {
    const job = await jobs.claimNext(queue, leaseMs);
    if (!job) return 'idle';
    try {
      await handle(job);
    } catch (error) {
      const message = messageOf(error);
      const fields = { ...describe(job), error: message };
      if (isPermanent(error) || job.attempts >= maxAttempts) {
        const reason = isPermanent(error) ? message : `gave up after ${job.attempts} attempts: ${message}`;
        if (!(await jobs.fail(job, reason))) return lost(job, fields);
        logger.error(fields, `${label} delivery gave up`);
        await safely('onGaveUp', job, () => options.onGaveUp?.(job, reason));
        return 'gave_up';
      }
      const delay = backoff[job.attempts - 1] ?? backoff[backoff.length - 1] ?? 0;
      if (!(await jobs.retry(job, delay, message))) return lost(job, fields);
      logger.warn({ ...fields, retry_in_ms: delay }, `${label} delivery failed; will retry`);
      return 'retrying';
    }
    // Completing before the callback: if we die in between, the app misses an audit line rather
    // than the recipient getting it twice.
    if (!(await jobs.complete(job))) {
      // Done, but after the lease ran out and someone else claimed it: they may do it again.
      logger.warn(describe(job), `${label} job finished after its lease ran out; another worker may repeat it`);
    }
    await safely('onDone', job, () => options.onDone?.(job));
    return 'delivered';
  };
}
