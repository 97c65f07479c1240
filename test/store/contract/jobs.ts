// Contract for JobStore: due-ness and leases on the store's own clock, exclusive leases that lapse,
// fencing (a lapsed lease can no longer finish the job), retries, failures, retention and counts.
import type { ClaimedJob } from '../../../src/store/ports.ts';
import { MINUTE, later, type ContractContext } from './fixtures.ts';

export function jobContract({ store, clock }: ContractContext): void {
  describe('jobs', () => {
    test('enqueue returns the job; claimNext leases it only once due by the store clock', async () => {
      const c = clock();
      const runAt = later(c, MINUTE);
      const job = await store().jobs.enqueue('mail', { to: 'ada@example.test', template: 'invite' }, runAt);
      expect(job).toEqual({ id: expect.any(String), queue: 'mail', payload: { to: 'ada@example.test', template: 'invite' }, attempts: 0, runAt, lastError: null });
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
      c.advance(MINUTE);
      expect(await store().jobs.claimNext('webhook', MINUTE)).toBeNull();
      const claimed = await store().jobs.claimNext('mail', MINUTE);
      expect(claimed).toMatchObject({ id: job.id, queue: 'mail', payload: job.payload, attempts: 1, lastError: null, runAt: later(c, MINUTE), lease: expect.any(String) });
      // Held by its lease: nobody else gets it.
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
    });

    test('a lapsed lease makes the job claimable again, under a new lease', async () => {
      const c = clock();
      const job = await store().jobs.enqueue('mail', { n: 1 }, c.now());
      const first = await store().jobs.claimNext('mail', MINUTE);
      c.advance(MINUTE - 1);
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
      c.advance(1);
      const second = await store().jobs.claimNext('mail', MINUTE);
      expect(second).toMatchObject({ id: job.id, attempts: 2 });
      expect(second!.lease).not.toBe(first!.lease);
    });

    test('a worker whose lease lapsed and was taken can no longer complete, retry or fail the job', async () => {
      const c = clock();
      const job = await store().jobs.enqueue('mail', { n: 1 }, c.now());
      const late = (await store().jobs.claimNext('mail', MINUTE))!;
      c.advance(MINUTE);
      const current = (await store().jobs.claimNext('mail', MINUTE))!;
      expect(current.id).toBe(job.id);

      expect(await store().jobs.complete(late)).toBe(false);
      expect(await store().jobs.retry(late, 0, 'late retry')).toBe(false);
      expect(await store().jobs.fail(late, 'late failure')).toBe(false);
      // Untouched: still pending, still held by the current lease, which alone may finish it.
      expect(await store().jobs.countPending('mail')).toBe(1);
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
      expect(await store().jobs.complete({ id: job.id, lease: 'forged-lease' })).toBe(false);
      expect(await store().jobs.complete(current)).toBe(true);
      expect(await store().jobs.countPending('mail')).toBe(0);
      // Finished once: the same lease cannot finish it again.
      expect(await store().jobs.complete(current)).toBe(false);
    });

    test('a lease that lapsed but was not taken still finishes the job', async () => {
      const c = clock();
      await store().jobs.enqueue('mail', { n: 1 }, c.now());
      const slow = (await store().jobs.claimNext('mail', MINUTE))!;
      c.advance(2 * MINUTE);
      expect(await store().jobs.complete(slow)).toBe(true);
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
    });

    test('a retried job is no longer held: its old lease cannot finish it after the retry', async () => {
      const c = clock();
      await store().jobs.enqueue('mail', { n: 1 }, c.now());
      const job = (await store().jobs.claimNext('mail', MINUTE))!;
      expect(await store().jobs.retry(job, 0, 'SMTP 451')).toBe(true);
      expect(await store().jobs.complete(job)).toBe(false);
      expect(await store().jobs.fail(job, 'late')).toBe(false);
      expect(await store().jobs.claimNext('mail', MINUTE)).toMatchObject({ id: job.id, attempts: 2, lastError: 'SMTP 451' });
    });

    test('the earliest due job comes first; equal times in the order queued', async () => {
      const c = clock();
      const second = await store().jobs.enqueue('mail', { n: 2 }, later(c, -MINUTE));
      const first = await store().jobs.enqueue('mail', { n: 1 }, later(c, -2 * MINUTE));
      await store().jobs.enqueueMany('mail', [{ n: 3 }, { n: 4 }, { n: 5 }], c.now());
      const order = [];
      for (let job = await store().jobs.claimNext('mail', MINUTE); job; job = await store().jobs.claimNext('mail', MINUTE)) order.push(job);
      expect(order.map((job) => job.id).slice(0, 2)).toEqual([first.id, second.id]);
      expect(order.map((job) => job.payload.n)).toEqual([1, 2, 3, 4, 5]);
    });

    test('concurrent workers never hold the same job', async () => {
      const c = clock();
      await store().jobs.enqueue('mail', { n: 1 }, c.now());
      const pair = await Promise.all([store().jobs.claimNext('mail', MINUTE), store().jobs.claimNext('mail', MINUTE)]);
      expect(pair.filter(Boolean)).toHaveLength(1);

      await store().jobs.enqueueMany('hooks', Array.from({ length: 5 }, (_, n) => ({ n })), c.now());
      const claims = await Promise.all(Array.from({ length: 10 }, () => store().jobs.claimNext('hooks', MINUTE)));
      const held = claims.filter((job): job is ClaimedJob => job !== null);
      expect(held).toHaveLength(5);
      expect(new Set(held.map((job) => job.id)).size).toBe(5);
      expect(held.map((job) => job.payload.n).sort()).toEqual([0, 1, 2, 3, 4]);
    });

    test('retry reschedules from the store clock with the error; complete and fail take the job out', async () => {
      const c = clock();
      const job = await store().jobs.enqueue('mail', { n: 1 }, c.now());
      const claimed = (await store().jobs.claimNext('mail', MINUTE))!;
      expect(await store().jobs.retry(claimed, 5 * MINUTE, 'SMTP 451')).toBe(true);
      expect(await store().jobs.countPending('mail')).toBe(1);
      c.advance(5 * MINUTE - 1);
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
      c.advance(1);
      const again = (await store().jobs.claimNext('mail', MINUTE))!;
      expect(again).toEqual({ ...job, attempts: 2, runAt: later(c, MINUTE), lastError: 'SMTP 451', lease: expect.any(String) });
      expect(await store().jobs.complete(again)).toBe(true);
      expect(await store().jobs.countPending('mail')).toBe(0);
      c.advance(10 * MINUTE);
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();

      await store().jobs.enqueue('mail', { n: 2 }, c.now());
      const doomed = (await store().jobs.claimNext('mail', MINUTE))!;
      expect(await store().jobs.fail(doomed, 'mailbox does not exist')).toBe(true);
      expect(await store().jobs.countPending('mail')).toBe(0);
      c.advance(10 * MINUTE);
      expect(await store().jobs.claimNext('mail', MINUTE)).toBeNull();
    });

    test('purgeFailedBefore drops failed jobs past retention, and only those', async () => {
      const c = clock();
      await store().jobs.enqueue('mail', { n: 1 }, c.now());
      expect(await store().jobs.fail((await store().jobs.claimNext('mail', MINUTE))!, 'gone')).toBe(true);
      c.advance(MINUTE);
      const cutoff = c.now();
      await store().jobs.enqueue('mail', { n: 2 }, c.now());
      expect(await store().jobs.fail((await store().jobs.claimNext('mail', MINUTE))!, 'gone too')).toBe(true);
      await store().jobs.enqueue('mail', { n: 3 }, later(c, -10 * MINUTE));
      await store().jobs.enqueue('mail', { n: 4 }, c.now());
      await store().jobs.claimNext('mail', MINUTE);
      expect(await store().jobs.purgeFailedBefore(cutoff)).toBe(1);
      expect(await store().jobs.purgeFailedBefore(cutoff)).toBe(0);
      // The waiting and the leased job are untouched however old.
      expect(await store().jobs.purgeFailedBefore(later(c, 60 * MINUTE))).toBe(1);
      expect(await store().jobs.countPending('mail')).toBe(2);
    });

    test('countPending counts waiting and leased jobs of one queue; enqueueMany adds them all', async () => {
      const c = clock();
      expect(await store().jobs.countPending('mail')).toBe(0);
      await store().jobs.enqueueMany('mail', [{ n: 1 }, { n: 2 }, { n: 3 }], c.now());
      await store().jobs.enqueue('mail', { n: 4 }, later(c, MINUTE));
      await store().jobs.enqueue('webhook', { n: 5 }, c.now());
      await store().jobs.enqueueMany('webhook', [], c.now());
      expect(await store().jobs.countPending('mail')).toBe(4);
      await store().jobs.claimNext('mail', MINUTE);
      expect(await store().jobs.countPending('mail')).toBe(4);
      expect(await store().jobs.countPending('webhook')).toBe(1);
      const payloads = [];
      for (let job = await store().jobs.claimNext('mail', MINUTE); job; job = await store().jobs.claimNext('mail', MINUTE)) {
        payloads.push(job.payload);
        await store().jobs.complete(job);
      }
      expect(payloads).toHaveLength(2);
      expect(await store().jobs.countPending('mail')).toBe(2);
    });

    test('enqueueMany is all or nothing: a batch that fails part way queues none of it', async () => {
      const c = clock();
      // A BigInt cannot be serialised: the third payload fails after two were ready to go.
      const batch = [{ n: 1 }, { n: 2 }, { n: 3n }, { n: 4 }] as Record<string, unknown>[];
      await expect(store().jobs.enqueueMany('mail', batch, c.now())).rejects.toThrow();
      expect(await store().jobs.countPending('mail')).toBe(0);
    });
  });
}
