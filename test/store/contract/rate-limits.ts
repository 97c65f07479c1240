// Contract for RateLimitStore: fixed windows counted or taken atomically, peeks, resets and once-per-window flags.
import { MINUTE, later, type ContractContext } from './fixtures.ts';

export function rateLimitContract({ store, clock }: ContractContext): void {
  describe('rateLimits', () => {
    test('hit counts within one window that starts at the first hit', async () => {
      const c = clock();
      const resetAt = later(c, MINUTE);
      expect(await store().rateLimits.hit('ip:192.0.2.1', MINUTE, c.now())).toEqual({ count: 1, resetAt });
      c.advance(10_000);
      expect(await store().rateLimits.hit('ip:192.0.2.1', MINUTE, c.now())).toEqual({ count: 2, resetAt });
      expect(await store().rateLimits.hit('ip:192.0.2.2', MINUTE, c.now())).toEqual({ count: 1, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.hit('ip:192.0.2.1', MINUTE, c.now())).toEqual({ count: 3, resetAt });
    });

    test('a new window starts once windowMs has passed', async () => {
      const c = clock();
      const start = c.now();
      await store().rateLimits.hit('k', MINUTE, c.now());
      await store().rateLimits.hit('k', MINUTE, later(c, MINUTE - 1));
      c.advance(MINUTE);
      expect(await store().rateLimits.hit('k', MINUTE, c.now())).toEqual({ count: 1, resetAt: new Date(start.getTime() + 2 * MINUTE) });
      expect((await store().rateLimits.hit('k', MINUTE, c.now())).count).toBe(2);
    });

    test('concurrent hits each get their own count', async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => store().rateLimits.hit('burst', MINUTE, clock().now())));
      expect(counts.map((result) => result.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    test('peek reads without counting, and sees an ended window as empty', async () => {
      const c = clock();
      expect(await store().rateLimits.peek('k', c.now())).toEqual({ count: 0, resetAt: null });
      await store().rateLimits.hit('k', MINUTE, c.now());
      await store().rateLimits.hit('k', MINUTE, c.now());
      expect(await store().rateLimits.peek('k', c.now())).toEqual({ count: 2, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.peek('k', c.now())).toEqual({ count: 2, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.peek('k', later(c, MINUTE))).toEqual({ count: 0, resetAt: null });
    });

    test('reset forgets the key', async () => {
      const c = clock();
      await store().rateLimits.hit('k', MINUTE, c.now());
      await store().rateLimits.hit('k', MINUTE, c.now());
      await store().rateLimits.reset('k');
      expect(await store().rateLimits.peek('k', c.now())).toEqual({ count: 0, resetAt: null });
      expect((await store().rateLimits.hit('k', MINUTE, c.now())).count).toBe(1);
      await expect(store().rateLimits.reset('never-seen')).resolves.toBeUndefined();
    });

    test('take admits up to the limit in a window, then refuses without counting, until the window ends', async () => {
      const c = clock();
      const resetAt = later(c, MINUTE);
      expect(await store().rateLimits.take('t', 2, MINUTE, c.now())).toEqual({ taken: true, count: 1, resetAt });
      c.advance(1000);
      expect(await store().rateLimits.take('t', 2, MINUTE, c.now())).toEqual({ taken: true, count: 2, resetAt });
      expect(await store().rateLimits.take('t', 2, MINUTE, c.now())).toEqual({ taken: false, count: 2, resetAt });
      expect(await store().rateLimits.take('t', 2, MINUTE, c.now())).toEqual({ taken: false, count: 2, resetAt });
      expect(await store().rateLimits.peek('t', c.now())).toEqual({ count: 2, resetAt });
      // Another key, and a raised limit on the same key, are decided on their own.
      expect((await store().rateLimits.take('other', 2, MINUTE, c.now())).taken).toBe(true);
      expect(await store().rateLimits.take('t', 3, MINUTE, c.now())).toEqual({ taken: true, count: 3, resetAt });
      c.advance(MINUTE);
      expect(await store().rateLimits.take('t', 2, MINUTE, c.now())).toEqual({ taken: true, count: 1, resetAt: later(c, MINUTE) });
    });

    test('take shares its count with hit, and a limit below 1 admits nobody', async () => {
      const c = clock();
      await store().rateLimits.hit('shared', MINUTE, c.now());
      expect(await store().rateLimits.take('shared', 2, MINUTE, c.now())).toMatchObject({ taken: true, count: 2 });
      expect(await store().rateLimits.take('shared', 2, MINUTE, c.now())).toMatchObject({ taken: false, count: 2 });
      expect((await store().rateLimits.take('nobody', 0, MINUTE, c.now())).taken).toBe(false);
      expect(await store().rateLimits.peek('nobody', c.now())).toEqual({ count: 0, resetAt: null });
    });

    test('a parallel burst of takes gets exactly the limit, however it races', async () => {
      const c = clock();
      const results = await Promise.all(Array.from({ length: 30 }, () => store().rateLimits.take('burst-take', 5, MINUTE, c.now())));
      expect(results.filter((result) => result.taken).map((result) => result.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      expect(results.filter((result) => !result.taken)).toHaveLength(25);
      expect(results.every((result) => result.resetAt.getTime() === later(c, MINUTE).getTime())).toBe(true);
      expect((await store().rateLimits.peek('burst-take', c.now())).count).toBe(5);
    });

    test('giveBack frees one place of a live window, never going below zero or reviving an ended one', async () => {
      const c = clock();
      await store().rateLimits.take('g', 2, MINUTE, c.now());
      await store().rateLimits.take('g', 2, MINUTE, c.now());
      expect((await store().rateLimits.take('g', 2, MINUTE, c.now())).taken).toBe(false);
      await store().rateLimits.giveBack('g', c.now());
      expect(await store().rateLimits.peek('g', c.now())).toEqual({ count: 1, resetAt: later(c, MINUTE) });
      expect(await store().rateLimits.take('g', 2, MINUTE, c.now())).toMatchObject({ taken: true, count: 2 });
      await Promise.all(Array.from({ length: 5 }, () => store().rateLimits.giveBack('g', c.now())));
      expect((await store().rateLimits.peek('g', c.now())).count).toBe(0);
      await expect(store().rateLimits.giveBack('never-taken', c.now())).resolves.toBeUndefined();
      expect(await store().rateLimits.peek('never-taken', c.now())).toEqual({ count: 0, resetAt: null });
      await store().rateLimits.take('ended', 2, MINUTE, c.now());
      c.advance(MINUTE);
      await store().rateLimits.giveBack('ended', c.now());
      expect(await store().rateLimits.take('ended', 1, MINUTE, c.now())).toEqual({ taken: true, count: 1, resetAt: later(c, MINUTE) });
    });

    test('once is true for one caller per window', async () => {
      const c = clock();
      expect(await store().rateLimits.once('alert:ip', MINUTE, c.now())).toBe(true);
      expect(await store().rateLimits.once('alert:ip', MINUTE, later(c, MINUTE - 1))).toBe(false);
      expect(await store().rateLimits.once('alert:other', MINUTE, c.now())).toBe(true);
      c.advance(MINUTE);
      expect(await store().rateLimits.once('alert:ip', MINUTE, c.now())).toBe(true);
      expect(await store().rateLimits.once('alert:ip', MINUTE, c.now())).toBe(false);
      const racers = await Promise.all(Array.from({ length: 10 }, () => store().rateLimits.once('alert:race', MINUTE, c.now())));
      expect(racers.filter(Boolean)).toHaveLength(1);
    });
  });
}
