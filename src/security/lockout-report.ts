// Which accounts are locked out right now, and from which address. A lockout is per account and
// address (rate-limiter.ts), set at the failure that crossed the limit and lasting at most 15
// minutes, so the candidates are the recent wrong-password events; the limiter itself says whether
// each one is still locked.
import { AppError } from '../errors.ts';
import type { Store } from '../store/ports.ts';
import { accountAddressSubject, type RateLimiter } from './rate-limiter.ts';

/** The longest lockout the limiter sets. */
const LOOKBACK_MS = 15 * 60_000;
/** Enough failures to find every current lockout in all but an attack, which the alerts show anyway. */
const MAX_EVENTS = 500;

export interface Lockout {
  accountId: string;
  email: string;
  ip: string | null;
  until: Date;
}

export function createLockoutReport({ store, limiter, clock }: { store: Store; limiter: RateLimiter; clock: () => Date }) {
  async function lockedUntil(email: string, ip: string | null): Promise<Date | null> {
    try {
      await limiter.check('login_failure', accountAddressSubject(email, { ip, userAgent: null, requestId: null }));
      return null;
    } catch (error) {
      // The limiter answers a lockout as 429 with Retry-After, in seconds.
      if (error instanceof AppError && error.status === 429) return new Date(clock().getTime() + Number(error.headers['Retry-After'] ?? 0) * 1000);
      throw error;
    }
  }

  return {
    async current(): Promise<Lockout[]> {
      const recent = await store.audit.query({ type: 'login.failed', since: new Date(clock().getTime() - LOOKBACK_MS) }, { limit: MAX_EVENTS });
      const pairs = new Map<string, { accountId: string; ip: string | null }>();
      for (const event of recent.items) if (event.accountId) pairs.set(`${event.accountId} ${event.ip}`, { accountId: event.accountId, ip: event.ip });
      const lockouts: Lockout[] = [];
      for (const { accountId, ip } of pairs.values()) {
        const account = await store.accounts.findById(accountId);
        if (!account) continue;
        const until = await lockedUntil(account.email, ip);
        if (until) lockouts.push({ accountId, email: account.email, ip, until });
      }
      return lockouts;
    },
  };
}

export type LockoutReport = ReturnType<typeof createLockoutReport>;
