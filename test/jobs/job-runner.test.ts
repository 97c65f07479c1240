// The one job runner behind every queue: fenced completion when a lease outlives itself, and the
// retry and give-up policy (backoff, last attempt, permanent failures), on the embedded store.
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Store } from '../../src/store/ports.ts';
import { createJobRunner, type JobRunnerOptions } from '../../src/jobs/job-runner.ts';
import { createTestClock } from '../support/test-clock.ts';

const LEASE = 60_000;

function recordingLogger() {
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, message: string) => void lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, warn: record, error: record };
}

/** A handler that waits until the test lets it finish. */
function heldHandler() {
  const releases: (() => void)[] = [];
  let started: () => void = () => {};
  return {
    handle: () =>
      new Promise<void>((resolve) => {
        releases.push(resolve);
        started();
      }),
    started: () => new Promise<void>((resolve) => (started = resolve)),
    release: (n: number) => releases[n]!(),
  };
}

let store: Store;
const clock = createTestClock();
beforeEach(() => {
  store = createEmbeddedStore({ clock: clock.now });
});
afterEach(() => store.close());

const runner = (overrides: Partial<JobRunnerOptions>) =>
  createJobRunner({ jobs: store.jobs, queue: 'q', label: 'test', handle: async () => {}, backoff: [1000, 2000], leaseMs: LEASE, logger: recordingLogger(), ...overrides });

test('work that outlives its lease cannot complete the job the next worker now holds', async () => {
  await store.jobs.enqueue('q', { n: 1 }, clock.now());
  const slow = heldHandler();
  const slowLogger = recordingLogger();
  const slowStarted = slow.started();
  const first = runner({ handle: slow.handle, logger: slowLogger })();
  await slowStarted;

  // The first worker stalls past its lease; a second one claims the job and starts on it.
  clock.advance(LEASE);
  const next = heldHandler();
  const nextStarted = next.started();
  const second = runner({ handle: next.handle })();
  await nextStarted;

  slow.release(0);
  expect(await first).toBe('delivered');
  expect(slowLogger.lines.join('\n')).toContain('test job finished after its lease ran out');
  // The job is still the second worker's: not deleted under it, not claimable by a third.
  expect(await store.jobs.countPending('q')).toBe(1);
  expect(await runner({})()).toBe('idle');

  next.release(0);
  expect(await second).toBe('delivered');
  expect(await store.jobs.countPending('q')).toBe(0);
});

test('a failure reported after the lease was taken leaves the job to its new holder', async () => {
  await store.jobs.enqueue('q', { n: 1 }, clock.now());
  let fail: (error: Error) => void = () => {};
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  const first = runner({
    handle: () =>
      new Promise<void>((_, reject) => {
        fail = reject;
        started();
      }),
  })();
  await running;
  clock.advance(LEASE);
  const holder = await store.jobs.claimNext('q', LEASE);
  expect(holder).not.toBeNull();

  fail(Object.assign(new Error('mailbox does not exist'), { permanent: true }));
  expect(await first).toBe('lease_lost');
  expect(await store.jobs.countPending('q')).toBe(1);
  expect(await store.jobs.complete(holder!)).toBe(true);
});

test('retries wait their backoff on the store clock, then the last attempt gives up with the reason', async () => {
  await store.jobs.enqueue('q', { n: 1 }, clock.now());
  const gaveUp: string[] = [];
  const run = runner({
    handle: async () => {
      throw new Error('connection refused');
    },
    onGaveUp: (_job, reason) => void gaveUp.push(reason),
  });
  expect(await run()).toBe('retrying');
  clock.advance(999);
  expect(await run()).toBe('idle');
  clock.advance(1);
  expect(await run()).toBe('retrying');
  clock.advance(2000);
  expect(await run()).toBe('gave_up');
  expect(gaveUp).toEqual(['gave up after 3 attempts: connection refused']);
  expect(await store.jobs.countPending('q')).toBe(0);
});

test('a permanent failure gives up at once; a throwing callback changes nothing', async () => {
  await store.jobs.enqueue('q', { n: 1 }, clock.now());
  const logger = recordingLogger();
  const run = runner({
    logger,
    handle: async () => {
      throw Object.assign(new Error('550 no such user'), { permanent: true });
    },
    onGaveUp: () => {
      throw new Error('audit store down');
    },
  });
  expect(await run()).toBe('gave_up');
  expect(await run()).toBe('idle');
  expect(logger.lines.join('\n')).toContain('audit store down');
});
