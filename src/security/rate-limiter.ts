// Abuse limits: per-address counters, per-account+address login lockouts and per-member sending,
// kept in the store so every instance sees the same counts. A limit that guards slow work is taken
// before that work. Past a limit the caller gets 429 with Retry-After, and the first crossing in a
// window raises one security.alert.
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
 * - `login_failure`: wrong passwords, per account and address, with growing lockouts;
 * - `address_login_failure`: wrong passwords, per address across accounts (password spraying);
 * - `member_invite`: invitations a member sends, per member and day (revoked ones included);
 * - `waitlist_request`: waitlist requests, per address;
 * - `waitlist_email`: waitlist requests (each sends a confirmation email), per email address and day.
 * - `recovery_request`: password-recovery requests, per address;
 * - `recovery_email`, `recovery_email_daily`: recovery codes sent to one email, per window and per day.
 */
export type LimitKind =
  | 'invite_failure'
  | 'registration'
  | 'invite_lookup'
  | 'code_failure'
  | 'login_failure'
  | 'address_login_failure'
  | 'member_invite'
  | 'waitlist_request'
  | 'waitlist_email'
  | 'recovery_request'
  | 'recovery_email'
  | 'recovery_email_daily';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
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

/**
 * One place taken under a limit, before the slow work it protects (a password hash, a code or
 * token lookup). The caller settles it once the outcome is known.
 */
export interface Attempt {
  /**
   * The attempt failed: its place stays taken. The failure that fills the limit raises the window's
   * alert, and for passwords starts the lockout.
   */
  failed(): Promise<void>;
  /** The attempt does not count (a right password or code, a known token, work that never ran): its place goes back. */
  giveBack(): Promise<void>;
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
   * Takes one place under the limit of `kind`, atomically, before the work it protects: a parallel
   * burst gets exactly the limit's places, and everyone else a 429 with Retry-After at once.
   */
  take(kind: LimitKind, subject: string, meta?: RequestMeta): Promise<Attempt>;
  /**
   * Counts one failure found by cheap work already done (an unknown token), atomically: the one
   * that fills the limit raises the window's alert, and each past it is refused with 429.
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
  return `${emailSubject(email)}@${addressSubject(meta)}`;
}

/** The subject for per-email limits: hashed so the counters hold no email addresses. */
export function emailSubject(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

export function createRateLimiter({ store, config, clock, audit }: RateLimiterDeps): RateLimiter {
  const windowMs = config.rate_limit_window_minutes * MINUTE;
  const limits: Record<LimitKind, number> = {
    invite_failure: config.rate_limit_invite_failures,
    registration: config.rate_limit_registrations,
    invite_lookup: config.rate_limit_invite_lookups,
    code_failure: config.rate_limit_code_failures,
    login_failure: config.rate_limit_login_failures,
    address_login_failure: config.rate_limit_login_failures_per_address,
    member_invite: config.member_invites_per_day,
    waitlist_request: config.rate_limit_waitlist_requests,
    waitlist_email: config.rate_limit_waitlist_per_email,
    recovery_request: config.rate_limit_recovery_requests,
    recovery_email: config.rate_limit_recovery_per_email,
    recovery_email_daily: config.rate_limit_recovery_per_email_daily,
  };
  // Failures toward a lockout are remembered for 12 hours (the lockout itself has its own length);
  // a member's sending is counted per day; everything else per configured window.
  const windows: Record<LimitKind, number> = {
    invite_failure: windowMs,
    registration: windowMs,
    invite_lookup: windowMs,
    code_failure: windowMs,
    login_failure: LOCKOUT_MEMORY_MS,
    address_login_failure: windowMs,
    member_invite: DAY,
    waitlist_request: windowMs,
    // Per email a day: whoever types someone else's address cannot bury that inbox in confirmations.
    waitlist_email: DAY,
    recovery_request: windowMs,
    recovery_email: windowMs,
    recovery_email_daily: DAY,
  };
  const key = (part: string, kind: LimitKind, subject: string) => `rl:${part}:${kind}:${subject}`;
  const secondsUntil = (resetAt: Date | null) => Math.max(1, Math.ceil(((resetAt?.getTime() ?? clock().getTime()) - clock().getTime()) / 1000));
  /** The refusal past a limit: 429 with Retry-After; a member's daily sending says so in its own code. */
  const refusal = (kind: LimitKind, seconds: number) =>
    tooManyRequests(seconds, kind === 'member_invite' ? 'daily_invite_limit' : 'too_many_requests');

  async function alert(kind: LimitKind, subject: string, meta: RequestMeta, data: Record<string, unknown>): Promise<void> {
    if (!audit) return;
    // Lockouts alert once per configured window (their 12-hour memory would hide a new wave); the rest once per their own window.
    const alertWindowMs = kind === 'login_failure' ? windowMs : windows[kind];
    // One alert per subject and window, even with many instances racing: `once` is atomic in the store.
    if (!(await store.once(key('alert', kind, subject), alertWindowMs, clock()))) return;
    await audit.record(
      { type: 'security.alert', actor: 'anonymous', reason: `${kind}_limit`, data: { kind, limit: limits[kind], window_seconds: alertWindowMs / 1000, ...data } },
      meta,
    );
  }

  async function lockedUntil(subject: string): Promise<Date | null> {
    const lock = await store.peek(key('lock', 'login_failure', subject), clock());
    return lock.count > 0 ? lock.resetAt : null;
  }

  /** A minute, doubling with each earlier lockout within the memory, at most 15 minutes. */
  const lockoutMs = (earlier: number) => Math.min(LOCKOUT_MAX_MS, LOCKOUT_BASE_MS * 2 ** earlier);

  /**
   * An attempt refused while the last places before a lockout are being judged: hold a lock as long
   * as the lockout they may bring (set only when none is live), then clear the count. A wrong
   * password among them starts the real lockout over it; a right one lifts it (reset); and a
   * judgement that never ends (the process died mid-hash) costs the account one lockout's wait,
   * not the 12-hour memory of a count stuck at the limit. Returns the seconds to wait.
   */
  async function holdWhileJudged(subject: string): Promise<number> {
    const earlier = await store.peek(key('lockouts', 'login_failure', subject), clock());
    await store.once(key('lock', 'login_failure', subject), lockoutMs(earlier.count), clock());
    const until = await lockedUntil(subject);
    // The lock is in place before the count is cleared, so no attempt finds neither.
    await store.reset(key('count', 'login_failure', subject));
    return until ? secondsUntil(until) : lockoutMs(earlier.count) / 1000;
  }

  /**
   * Enough wrong passwords: lock for a while that doubles with each lockout, then count afresh.
   * Only the failure that filled the last place gets here, and the lock keeps everyone else out
   * until it ends, so lockouts of one subject never overlap.
   */
  async function lockOut(subject: string, failures: number, meta: RequestMeta): Promise<void> {
    const earlier = await store.peek(key('lockouts', 'login_failure', subject), clock());
    const lockMs = lockoutMs(earlier.count);
    await store.reset(key('lock', 'login_failure', subject));
    await store.hit(key('lock', 'login_failure', subject), lockMs, clock());
    // The lock is set before the lockout is counted and before the failures are cleared, so no
    // attempt finds neither a free place nor a lock.
    const lockouts = await store.hit(key('lockouts', 'login_failure', subject), LOCKOUT_MEMORY_MS, clock());
    await store.reset(key('count', 'login_failure', subject));
    await alert('login_failure', subject, meta, { count: failures, lockouts: lockouts.count, lockout_seconds: lockMs / 1000 });
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
      if (current.count >= limits[kind]) throw refusal(kind, secondsUntil(current.resetAt));
    },

    async hit(kind, subject, meta = NO_REQUEST) {
      if (kind === 'login_failure') throw new Error('wrong passwords are taken with take()');
      const { count, resetAt } = await store.hit(key('count', kind, subject), windows[kind], clock());
      if (count <= limits[kind]) return;
      await alert(kind, subject, meta, { count });
      throw refusal(kind, secondsUntil(resetAt));
    },

    async fail(kind, subject, meta = NO_REQUEST) {
      if (kind === 'login_failure') throw new Error('wrong passwords are taken with take()');
      const { count, resetAt } = await store.hit(key('count', kind, subject), windows[kind], clock());
      if (count >= limits[kind]) await alert(kind, subject, meta, { count: Math.min(count, limits[kind]) });
      if (count > limits[kind]) throw refusal(kind, secondsUntil(resetAt));
    },

    async take(kind, subject, meta = NO_REQUEST) {
      if (kind === 'login_failure') {
        const until = await lockedUntil(subject);
        if (until) throw tooManyRequests(secondsUntil(until));
      }
      const countKey = key('count', kind, subject);
      const place = await store.take(countKey, limits[kind], windows[kind], clock());
      if (!place.taken) {
        if (kind === 'login_failure') throw tooManyRequests(await holdWhileJudged(subject));
        await alert(kind, subject, meta, { count: place.count });
        throw refusal(kind, secondsUntil(place.resetAt));
      }
      if (kind === 'login_failure') {
        // A lock set between the first look and the take came with a cleared count: look again, so
        // a place taken from that fresh count is not one judgement too many.
        const until = await lockedUntil(subject);
        if (until) {
          await store.giveBack(countKey, clock());
          throw tooManyRequests(secondsUntil(until));
        }
      }
      let settled = false;
      return {
        async failed() {
          if (settled) return;
          settled = true;
          if (place.count < limits[kind]) return;
          if (kind === 'login_failure') await lockOut(subject, place.count, meta);
          else await alert(kind, subject, meta, { count: place.count });
        },
        async giveBack() {
          if (settled) return;
          settled = true;
          await store.giveBack(countKey, clock());
        },
      };
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
