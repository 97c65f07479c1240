// A store wrapper whose every call can be made to fail as an unreachable or unwritable store
// does (root ignores chmod, so a read-only file cannot simulate this reliably in CI).
import type { Store } from '../../src/store/ports.ts';
import { StoreUnavailableError } from '../../src/store/store-unavailable.ts';

export interface FailingStore {
  store: Store;
  /** 'all': every call fails (connection lost); 'writes': reads work, writes fail (disk read-only); null: healthy. */
  fail(mode: 'all' | 'writes' | null): void;
}

const READS = /^(find|list|count|peek|get|query|stream|ping)/;

export function failingStore(inner: Store): FailingStore {
  let mode: 'all' | 'writes' | null = null;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => {
          const failing = mode === 'all' || (mode === 'writes' && !READS.test(key));
          if (failing && key !== 'close') return Promise.reject(new StoreUnavailableError(new Error(`injected failure in ${key}`)));
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  const store = {
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
    ping: () => (mode === 'all' ? Promise.reject(new StoreUnavailableError()) : mode === 'writes' ? Promise.reject(new StoreUnavailableError()) : inner.ping()),
    close: () => inner.close(),
  } satisfies Store;
  return { store, fail: (next) => (mode = next) };
}
