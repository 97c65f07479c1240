// The one clock tests move by hand: expiry, lockouts and retention without waiting. Code under test
// reads it through `clock.now`, a `() => Date` like the real one.

export interface TestClock {
  now: () => Date;
  /** Moves the clock on by `ms`; returns the new time. */
  advance(ms: number): Date;
  set(date: Date | string): void;
}

/**
 * Starts at `start`, or at the real time in whole seconds: MongoDB's TTL monitor deletes documents
 * whose date is in the real past, and oidc-provider counts `consumed` in seconds.
 */
export function createTestClock(start: Date | string = new Date(Math.floor(Date.now() / 1000) * 1000)): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
      return new Date(current);
    },
    set(date) {
      current = new Date(date).getTime();
    },
  };
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
