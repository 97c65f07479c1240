// Drives a durable queue in the background: handles jobs while there are any, polls when idle,
// and on stop waits for the job in hand so shutdown never cuts a delivery in half.

/** `lease_lost`: the job's lease ran out and another worker claimed it before this one was done. */
export type RunOutcome = 'idle' | 'delivered' | 'retrying' | 'gave_up' | 'lease_lost';

export type DrainCounts = Record<'delivered' | 'retrying' | 'gave_up', number>;

export interface PollingWorker {
  start(): void;
  stop(): Promise<void>;
  /** A job was just queued: a sleeping worker runs now instead of at its next poll. */
  wake(): void;
  /** Handles due jobs until none is due; counts what happened (tests and CLIs). */
  drain(): Promise<DrainCounts>;
}

export interface PollingWorkerOptions {
  runOnce: () => Promise<RunOutcome>;
  /** Real-time pause between polls when the queue is empty. */
  pollIntervalMs: number;
  /** The store is unreachable, say: the worker keeps polling, the next tick may find it back. */
  onError: (error: unknown) => void;
}

export function createPollingWorker({ runOnce, pollIntervalMs, onError }: PollingWorkerOptions): PollingWorker {
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<unknown> | null = null;

  const schedule = (delayMs: number) => {
    timer = setTimeout(loop, delayMs);
    // The worker alone must not keep the process alive; stop() is the orderly way out.
    timer.unref();
  };

  async function loop(): Promise<void> {
    timer = null;
    if (!running) return;
    try {
      let outcome: RunOutcome;
      do {
        inFlight = runOnce();
        outcome = (await inFlight) as RunOutcome;
      } while (running && outcome !== 'idle');
    } catch (error) {
      onError(error);
    } finally {
      inFlight = null;
    }
    if (running) schedule(pollIntervalMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight?.catch(() => {});
    },
    wake() {
      if (!running || !timer) return;
      clearTimeout(timer);
      schedule(0);
    },
    async drain() {
      const counts: DrainCounts = { delivered: 0, retrying: 0, gave_up: 0 };
      for (let outcome = await runOnce(); outcome !== 'idle'; outcome = await runOnce()) {
        if (outcome !== 'lease_lost') counts[outcome] += 1;
      }
      return counts;
    },
  };
}
