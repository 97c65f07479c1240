// Drops records past their retention on a timer: audit events (unless the store expires them on
// its own, as MongoDB's TTL index does), failed jobs and redemption records. Every node may run
// it: each purge is one idempotent delete.

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_INTERVAL_MS = 3600 * 1000;

export interface Retention {
  /** What is purged, for the log line. */
  name: string;
  retentionDays: number;
  /** Deletes what is older than `before`; returns how many went. */
  purgeBefore: (before: Date) => Promise<number>;
}

export interface RetentionSweeperDeps {
  retentions: Retention[];
  clock: () => Date;
  intervalMs?: number;
  onError?: (error: unknown, name: string) => void;
  onSwept?: (count: number, name: string) => void;
}

export interface RetentionSweeper {
  /** Purges once now; returns how many records went in all. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createRetentionSweeper({ retentions, clock, intervalMs = DEFAULT_INTERVAL_MS, onError, onSwept }: RetentionSweeperDeps): RetentionSweeper {
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<unknown> | null = null;

  const sweepOne = async ({ name, retentionDays, purgeBefore }: Retention): Promise<number> => {
    const count = await purgeBefore(new Date(clock().getTime() - retentionDays * DAY_MS));
    if (count > 0) onSwept?.(count, name);
    return count;
  };

  async function sweep(): Promise<number> {
    let total = 0;
    for (const retention of retentions) total += await sweepOne(retention);
    return total;
  }

  const tick = () => {
    if (inFlight) return; // a slow purge is not stacked on by the next tick
    // One failing purge (a store hiccup on one collection) does not hold back the others.
    inFlight = Promise.all(retentions.map((retention) => sweepOne(retention).catch((error) => onError?.(error, retention.name)))).finally(() => {
      inFlight = null;
    });
  };

  return {
    sweep,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      // The sweep never keeps the process alive on its own.
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await inFlight;
    },
  };
}
