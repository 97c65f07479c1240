// Abuse limits: per-address counters and per-account+address login lockouts, kept in the store so
// every instance sees the same counts. Past a limit the caller gets 429 with Retry-After, and the
// first crossing in a window raises one security.alert.
import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { RateLimitStore } from '../store/ports.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import { NO_REQUEST, type RequestMeta } from '../audit/request-meta.ts';
import { AppError, tooManyRequests } from '../errors.ts';

/**
 * What is being limited.
 * - `invite_failure`: unknown or malformed invitation tokens, per address (token guessing);
 * - `registration`: sign-up attempts, per address;
 * - `invite_lookup`: GET /api/invites/{token}, per address;
 * - `code_failure`: wrong verification codes, per address;
 * - `login_failure`: wrong passwords, per account and address, with growing lockouts.
 */
export type LimitKind = 'invite_failure' | 'registration' | 'invite_lookup' | 'code_failure' | 'login_failure';

const MINUTE = 60_000;
/** Keycloak's defaults: the first lockout lasts a minute, each next one twice as long, at most 15 minutes. */
const LOCKOUT_BASE_MS = MINUTE;
const LOCKOUT_MAX_MS = 15 * MINUTE;
/** Like Keycloak's "failure reset time": lockouts keep growing while they come within 12 hours. */
const LOCKOUT_MEMORY_MS = 12 * 60 * MINUTE;

export interface RateLimiterDeps {
  store: RateLimitStore;
  config: Config;
  clock: () => Date;
  /** Where security.alert goes; optional so the limiter can be used on its own. */
  audit?: AuditRecorder;
}

export interface RateLimiter {
  /** Throws 429 when `subject` is already past the limit of `kind` (or locked out); counts nothing. */
  check(kind: LimitKind, subject: string): Promise<void>;
  /**
   * Counts one attempt that always counts (a sign-up, a lookup) and throws 429 past the limit.
   * The attempt that crosses the limit raises the window's alert.
   */
  hit(kind: LimitKind, subject: string, meta?: RequestMeta): Promise<void>;
  /**
   * Counts one failure (a bad token, a wrong code or password). Never throws for the failure
   * itself: the caller answers it as usual, and the next attempt meets `check`.
   */
  fail(kind: LimitKind, subject: string, meta?: RequestMeta): Promise<void>;
  /** Forgets the failures of `subject` (a successful sign-in). */
  reset(kind: LimitKind, subject: string): Promise<void>;
  limitOf(kind: LimitKind): number;
}

/** The subject for per-address limits; requests without one share a bucket rather than escape. */
export const addressSubject = (meta: RequestMeta): string => meta.ip ?? 'unknown';

/** The subject for login lockouts: the account (by email, so unknown ones lock too) at this address. */
export function accountAddressSubject(email: string, meta: RequestMeta): string {
  // Hashed so the counters hold no email addresses.
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
  return `${digest}@${addressSubject(meta)}`;
}

export function createRateLimiter({ store, config, clock, audit }: RateLimiterDeps): RateLimiter {
  const windowMs = config.rate_limit_window_minutes * MINUTE;
  const limits: Record<LimitKind, number> = {
    invite_failure: config.rate_limit_invite_failures,
    registration: config.rate_limit_registrations,
    invite_lookup: config.rate_limit_invite_lookups,
    code_failure: config.rate_limit_code_failures,
    login_failure: config.rate_limit_login_failures,
  };
  const key = (part: string, kind: LimitKind, subject: string) => `rl:${part}:${kind}:${subject}`;
  const secondsUntil = (resetAt: Date | null) => Math.max(1, Math.ceil(((resetAt?.getTime() ?? clock().getTime()) - clock().getTime()) / 1000));

  async function alert(kind: LimitKind, subject: string, meta: RequestMeta, data: Record<string, unknown>): Promise<void> {
    if (!audit) return;
    // One alert per subject and window, even with many instances racing: `once` is atomic in the store.
    if (!(await store.once(key('alert', kind, subject), windowMs, clock()))) return;
    await audit.record(
      { type: 'security.alert', actor: 'anonymous', reason: `${kind}_limit`, data: { kind, limit: limits[kind], window_seconds: windowMs / 1000, ...data } },
      meta,
    );
  }

  async function lockedUntil(subject: string): Promise<Date | null> {
    const lock = await store.peek(key('lock', 'login_failure', subject), clock());
    return lock.count > 0 ? lock.resetAt : null;
  }

  return {
    limitOf: (kind) => limits[kind],

    async check(kind, subject) {
      if (kind === 'login_failure') {
        const until = await lockedUntil(subject);
        if (until) throw tooManyRequests(secondsUntil(until));
        return;
      }
      const current = await store.peek(key('count', kind, subject), clock());
      if (current.count >= limits[kind]) throw tooManyRequests(secondsUntil(current.resetAt));
    },

    async hit(kind, subject, meta = NO_REQUEST) {
      if (kind === 'login_failure') throw new AppError(500, 'server_error', 'login failures are counted with fail()');
      const { count, resetAt } = await store.hit(key('count', kind, subject), windowMs, clock());
      if (count <= limits[kind]) return;
      await alert(kind, subject, meta, { count });
      throw tooManyRequests(secondsUntil(resetAt));
    },

    async fail(kind, subject, meta = NO_REQUEST) {
      if (kind !== 'login_failure') {
        const { count } = await store.hit(key('count', kind, subject), windowMs, clock());
        if (count >= limits[kind]) await alert(kind, subject, meta, { count });
        return;
      }
      const failures = await store.hit(key('count', kind, subject), LOCKOUT_MEMORY_MS, clock());
      if (failures.count < limits.login_failure) return;
      // Enough failures: lock for a while that doubles with each lockout, then count afresh.
      const lockouts = await store.hit(key('lockouts', kind, subject), LOCKOUT_MEMORY_MS, clock());
      const lockMs = Math.min(LOCKOUT_MAX_MS, LOCKOUT_BASE_MS * 2 ** (lockouts.count - 1));
      await store.reset(key('lock', kind, subject));
      await store.hit(key('lock', kind, subject), lockMs, clock());
      await store.reset(key('count', kind, subject));
      await alert(kind, subject, meta, { count: failures.count, lockouts: lockouts.count, lockout_seconds: lockMs / 1000 });
    },

    async reset(kind, subject) {
      await store.reset(key('count', kind, subject));
      if (kind === 'login_failure') {
        await store.reset(key('lockouts', kind, subject));
        await store.reset(key('lock', kind, subject));
      }
    },
  };
}
