// Drops audit events older than audit_retention_days on a timer (the embedded store; MongoDB does
// the same with a TTL index, so it needs no sweeper).
import type { AuditStore } from '../store/ports.ts';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_INTERVAL_MS = 3600 * 1000;

export interface RetentionSweeperDeps {
  audit: AuditStore;
  retentionDays: number;
  clock: () => Date;
  intervalMs?: number;
  onError?: (error: unknown) => void;
  onSwept?: (count: number) => void;
}

export interface RetentionSweeper {
  /** Purges once now; returns how many events went. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createRetentionSweeper({ audit, retentionDays, clock, intervalMs = DEFAULT_INTERVAL_MS, onError, onSwept }: RetentionSweeperDeps): RetentionSweeper {
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<unknown> | null = null;

  async function sweep(): Promise<number> {
    const count = await audit.purgeBefore(new Date(clock().getTime() - retentionDays * DAY_MS));
    if (count > 0) onSwept?.(count);
    return count;
  }

  const tick = () => {
    if (inFlight) return; // a slow purge is not stacked on by the next tick
    inFlight = sweep()
      .catch((error) => onError?.(error))
      .finally(() => {
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
