// The background step of a recovery request: the request itself stores the same record and this
// job whatever the address; only here, off the request, is the address looked up and mailed.
import type { ClaimedJob, JobStore } from '../store/ports.ts';
import type { PayloadSealer } from '../security/payload-sealer.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { createJobRunner } from '../jobs/job-runner.ts';
import { createPollingWorker, type DrainCounts } from '../jobs/polling-worker.ts';

export const RECOVERY_QUEUE = 'recovery';

/** What the job carries, sealed at rest: the address and the code are secrets of the person. */
export interface RecoveryJob {
  recordId: string;
  email: string;
  code: string;
  /** Who asked (address, user agent, request id): the audit event of the request carries it. */
  meta?: RequestMeta;
}

export interface RecoveryDispatch {
  enqueue(job: RecoveryJob): Promise<void>;
  /** Handles due jobs until none is due (tests and CLIs). */
  drain(): Promise<DrainCounts>;
  start(): void;
  stop(): Promise<void>;
}

export function createRecoveryDispatch(options: {
  jobs: JobStore;
  sealer: PayloadSealer;
  clock: () => Date;
  logger: Logger;
  /** Looks the address up and sends the code when it belongs to an active account. */
  handle: (job: RecoveryJob) => Promise<void>;
}): RecoveryDispatch {
  const { jobs, sealer, clock, logger } = options;
  const open = (job: ClaimedJob): RecoveryJob => {
    try {
      return sealer.open<RecoveryJob>(String(job.payload.sealed));
    } catch {
      // Sealed under a key since retired: nothing will ever open it.
      throw Object.assign(new Error('recovery job cannot be opened'), { permanent: true });
    }
  };
  const runOnce = createJobRunner({
    jobs,
    queue: RECOVERY_QUEUE,
    label: 'recovery',
    // A code is good for minutes: a few quick retries, then it is given up (the person asks again).
    backoff: [1_000, 5_000, 30_000],
    leaseMs: 30_000,
    logger,
    handle: (job) => options.handle(open(job)),
  });
  const worker = createPollingWorker({ runOnce, pollIntervalMs: 1_000, onError: (error) => logger.error({ error: (error as Error).message }, 'recovery queue worker error') });
  return {
    async enqueue(job) {
      await jobs.enqueue(RECOVERY_QUEUE, { sealed: sealer.seal(job) }, clock());
      worker.wake();
    },
    drain: worker.drain,
    start: worker.start,
    stop: worker.stop,
  };
}
