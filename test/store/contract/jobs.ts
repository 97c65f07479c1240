// Contract for JobStore: due-ness, exclusive leases that lapse, retries, failures and counts.
import type { Job } from '../../../src/store/ports.ts';
import { MINUTE, later, type ContractContext } from './fixtures.ts';

export function jobContract({ store, clock }: ContractContext): void {
  describe('jobs', () => {
    test('enqueue returns the job; claimNext leases it only once due', async () => {
      const c = clock();
      const runAt = later(c, MINUTE);
      const job = await store().jobs.enqueue('mail', { to: 'ada@example.test', template: 'invite' }, runAt);
      expect(job).toEqual({ id: expect.any(String), queue: 'mail', payload: { to: 'ada@example.test', template: 'invite' }, attempts: 0, runAt, lastError: null });
      expect(await store().jobs.claimNext('mail', c.now, MINUTE)).toBeNull();
      c.advance(MINUTE);
      expect(await store().jobs.claimNext('webhook', c.now, MINUTE)).toBeNull();
      const claimed = await store().jobs.claimNext('mail', c.now, MINUTE);
      expect(claimed).toMatchObject({ id: job.id, queue: 'mail', payload: job.payload, attempts: 1, lastError: null });
      // Held by its lease: nobody else gets it.
      expect(await store().jobs.claimNext('mail', c.now, MINUTE)).toBeNull();
    });

    test('a lapsed lease makes the job claimable again', async () => {
      const c = clock();
      const job = await store().jobs.enqueue('mail', { n: 1 }, c.now);
      await store().jobs.claimNext('mail', c.now, MINUTE);
      expect(await store().jobs.claimNext('mail', later(c, MINUTE - 1), MINUTE)).toBeNull();
      c.advance(MINUTE);
      expect(await store().jobs.claimNext('mail', c.now, MINUTE)).toMatchObject({ id: job.id, attempts: 2 });
    });

    test('the earliest due job comes first', async () => {
      const c = clock();
      const second = await store().jobs.enqueue('mail', { n: 2 }, later(c, -MINUTE));
      const first = await store().jobs.enqueue('mail', { n: 1 }, later(c, -2 * MINUTE));
      expect((await store().jobs.claimNext('mail', c.now, MINUTE))?.id).toBe(first.id);
      expect((await store().jobs.claimNext('mail', c.now, MINUTE))?.id).toBe(second.id);
    });

    test('concurrent workers never hold the same job', async () => {
      const c = clock();
      await store().jobs.enqueue('mail', { n: 1 }, c.now);
      const pair = await Promise.all([store().jobs.claimNext('mail', c.now, MINUTE), store().jobs.claimNext('mail', c.now, MINUTE)]);
      expect(pair.filter(Boolean)).toHaveLength(1);

      await store().jobs.enqueueMany('hooks', Array.from({ length: 5 }, (_, n) => ({ n })), c.now);
      const claims = await Promise.all(Array.from({ length: 10 }, () => store().jobs.claimNext('hooks', c.now, MINUTE)));
      const held = claims.filter((job): job is Job => job !== null);
      expect(held).toHaveLength(5);
      expect(new Set(held.map((job) => job.id)).size).toBe(5);
      expect(held.map((job) => job.payload.n).sort()).toEqual([0, 1, 2, 3, 4]);
    });

    test('retry reschedules with the error; complete and fail take the job out', async () => {
      const c = clock();
      const job = await store().jobs.enqueue('mail', { n: 1 }, c.now);
      await store().jobs.claimNext('mail', c.now, MINUTE);
      const retryAt = later(c, 5 * MINUTE);
      await store().jobs.retry(job.id, retryAt, 'SMTP 451');
      expect(await store().jobs.countPending('mail')).toBe(1);
      expect(await store().jobs.claimNext('mail', later(c, 5 * MINUTE - 1), MINUTE)).toBeNull();
      c.advance(5 * MINUTE);
      expect(await store().jobs.claimNext('mail', c.now, MINUTE)).toEqual({ ...job, attempts: 2, runAt: later(c, MINUTE), lastError: 'SMTP 451' });
      await store().jobs.complete(job.id);
      expect(await store().jobs.countPending('mail')).toBe(0);
      c.advance(10 * MINUTE);
      expect(await store().jobs.claimNext('mail', c.now, MINUTE)).toBeNull();

      const doomed = await store().jobs.enqueue('mail', { n: 2 }, c.now);
      await store().jobs.claimNext('mail', c.now, MINUTE);
      await store().jobs.fail(doomed.id, 'mailbox does not exist');
      expect(await store().jobs.countPending('mail')).toBe(0);
      c.advance(10 * MINUTE);
      expect(await store().jobs.claimNext('mail', c.now, MINUTE)).toBeNull();
    });

    test('countPending counts waiting and leased jobs of one queue; enqueueMany adds them all', async () => {
      const c = clock();
      expect(await store().jobs.countPending('mail')).toBe(0);
      await store().jobs.enqueueMany('mail', [{ n: 1 }, { n: 2 }, { n: 3 }], c.now);
      await store().jobs.enqueue('mail', { n: 4 }, later(c, MINUTE));
      await store().jobs.enqueue('webhook', { n: 5 }, c.now);
      await store().jobs.enqueueMany('webhook', [], c.now);
      expect(await store().jobs.countPending('mail')).toBe(4);
      await store().jobs.claimNext('mail', c.now, MINUTE);
      expect(await store().jobs.countPending('mail')).toBe(4);
      expect(await store().jobs.countPending('webhook')).toBe(1);
      const payloads = [];
      for (let job = await store().jobs.claimNext('mail', c.now, MINUTE); job; job = await store().jobs.claimNext('mail', c.now, MINUTE)) {
        payloads.push(job.payload);
        await store().jobs.complete(job.id);
      }
      expect(payloads).toHaveLength(2);
      expect(await store().jobs.countPending('mail')).toBe(2);
    });
  });
}
