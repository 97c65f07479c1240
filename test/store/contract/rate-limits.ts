// Contract for RateLimitStore: fixed windows counted atomically, peeks, resets and once-per-window flags.
import { MINUTE, later, type ContractContext } from './fixtures.ts';

export function rateLimitContract({ store, clock }: ContractContext): void {
  describe('rateLimits', () => {
    test('hit counts within one window that starts at the first hit', async () => {
      const c = clock();
      const resetAt = later(c, MINUTE);
      expect(await store().rateLimits.hit('ip:192.0.2.1', MINUTE, c.now)).toEqual({ count: 1, resetAt });
      c.advance(10_000);
      expect(await store().rateLimits.hit('ip:192.0.2.1', MINUTE, c.now)).toEqual({ count: 2, resetAt });
      expect(await store().rateLimits.hit('ip:192.0.2.2', MINUTE, c.now)).toEqual({ count: 1, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.hit('ip:192.0.2.1', MINUTE, c.now)).toEqual({ count: 3, resetAt });
    });

    test('a new window starts once windowMs has passed', async () => {
      const c = clock();
      const start = c.now;
      await store().rateLimits.hit('k', MINUTE, c.now);
      await store().rateLimits.hit('k', MINUTE, later(c, MINUTE - 1));
      c.advance(MINUTE);
      expect(await store().rateLimits.hit('k', MINUTE, c.now)).toEqual({ count: 1, resetAt: new Date(start.getTime() + 2 * MINUTE) });
      expect((await store().rateLimits.hit('k', MINUTE, c.now)).count).toBe(2);
    });

    test('concurrent hits each get their own count', async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => store().rateLimits.hit('burst', MINUTE, clock().now)));
      expect(counts.map((result) => result.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    test('peek reads without counting, and sees an ended window as empty', async () => {
      const c = clock();
      expect(await store().rateLimits.peek('k', c.now)).toEqual({ count: 0, resetAt: null });
      await store().rateLimits.hit('k', MINUTE, c.now);
      await store().rateLimits.hit('k', MINUTE, c.now);
      expect(await store().rateLimits.peek('k', c.now)).toEqual({ count: 2, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.peek('k', c.now)).toEqual({ count: 2, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.peek('k', later(c, MINUTE))).toEqual({ count: 0, resetAt: null });
    });

    test('reset forgets the key', async () => {
      const c = clock();
      await store().rateLimits.hit('k', MINUTE, c.now);
      await store().rateLimits.hit('k', MINUTE, c.now);
      await store().rateLimits.reset('k');
      expect(await store().rateLimits.peek('k', c.now)).toEqual({ count: 0, resetAt: null });
      expect((await store().rateLimits.hit('k', MINUTE, c.now)).count).toBe(1);
      await expect(store().rateLimits.reset('never-seen')).resolves.toBeUndefined();
    });

    test('once is true for one caller per window', async () => {
      const c = clock();
      expect(await store().rateLimits.once('alert:ip', MINUTE, c.now)).toBe(true);
      expect(await store().rateLimits.once('alert:ip', MINUTE, later(c, MINUTE - 1))).toBe(false);
      expect(await store().rateLimits.once('alert:other', MINUTE, c.now)).toBe(true);
      c.advance(MINUTE);
      expect(await store().rateLimits.once('alert:ip', MINUTE, c.now)).toBe(true);
      expect(await store().rateLimits.once('alert:ip', MINUTE, c.now)).toBe(false);
      const racers = await Promise.all(Array.from({ length: 10 }, () => store().rateLimits.once('alert:race', MINUTE, c.now)));
      expect(racers.filter(Boolean)).toHaveLength(1);
    });
  });
}
