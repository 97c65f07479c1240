// A store wrapper that gives every call a round trip, as a store across the network (MongoDB) has.
// The embedded store answers synchronously, so requests on it never interleave between a read and
// the write that follows it; races that a networked store would show only show through this.
import type { Store } from '../../src/store/ports.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { createTestClock, type TestClock } from './test-clock.ts';

const roundTrip = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export function networkedStore(inner: Store): Store {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(object, args);
          // Only promises travel; iterables (audit streams) and plain values pass as they are.
          if (!(result instanceof Promise)) return result;
          return roundTrip().then(() => result);
        };
      },
    });
  return {
    ...inner,
    kind: inner.kind,
    invites: wrap(inner.invites),
    accounts: wrap(inner.accounts),
    audit: wrap(inner.audit),
    rateLimits: wrap(inner.rateLimits),
    jobs: wrap(inner.jobs),
    verifications: wrap(inner.verifications),
    oidc: wrap(inner.oidc),
    settings: wrap(inner.settings),
    mfa: wrap(inner.mfa),
    ping: () => inner.ping(),
    close: () => inner.close(),
  } satisfies Store;
}

/** A test clock and an in-memory embedded store behind a round trip per call: for startGuestlist. */
export function overTheNetwork(): { clock: TestClock; store: Store } {
  const clock = createTestClock();
  return { clock, store: networkedStore(createEmbeddedStore({ clock: clock.now })) };
}
