// Test stores that wrap every port of a real store the same way (a delay, an injected failure).
import type { Store } from '../../src/store/ports.ts';

/** The store with each port replaced by `wrap(port)`; `ping` and `close` are the caller's. */
export function wrapEveryPort(inner: Store, wrap: <T extends object>(port: T) => T, rest: Pick<Store, 'ping' | 'close'>): Store {
  return {
    ...inner,
    kind: inner.kind,
    invites: wrap(inner.invites),
    accounts: wrap(inner.accounts),
    audit: wrap(inner.audit),
    rateLimits: wrap(inner.rateLimits),
    jobs: wrap(inner.jobs),
    verifications: wrap(inner.verifications),
    waitlist: wrap(inner.waitlist),
    oidc: wrap(inner.oidc),
    settings: wrap(inner.settings),
    federatedIdentities: wrap(inner.federatedIdentities),
    consoleSessions: wrap(inner.consoleSessions),
    mfa: wrap(inner.mfa),
    accountCodes: wrap(inner.accountCodes),
    ...rest,
  };
}
