// The store's ports: every service talks to these interfaces, never to SQLite or MongoDB directly.

export type InviteStatus = 'pending' | 'redeemed' | 'expired' | 'revoked';

export interface InviteRecord {
  id: string;
  /** SHA-256 of the token, hex. The plaintext token is never stored. */
  tokenHash: string;
  /** Lower-cased, trimmed email the invite is bound to, or null for an open invite. */
  email: string | null;
  uses: number;
  maxUses: number;
  expiresAt: Date;
  createdAt: Date;
  /** Admin client id or account id (sub) of whoever created it. */
  createdBy: string;
  clientId: string | null;
  roles: string[];
  metadata: Record<string, unknown>;
  note: string | null;
  revokedAt: Date | null;
  /** Monotonic insertion sequence: the stable order behind cursor pagination. */
  seq: number;
}

export type NewInvite = Omit<InviteRecord, 'uses' | 'revokedAt' | 'seq'>;

export interface Redemption {
  inviteId: string;
  accountId: string;
  email: string;
  at: Date;
  ip: string | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null when this page is the last. */
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | null;
}

export interface InviteFilter {
  status?: InviteStatus;
  email?: string;
  /** Emails that start with this (lower-cased) text: a search box. */
  emailPrefix?: string;
  createdBy?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** The target app. */
  clientId?: string;
  /** Invitations that grant this role. */
  role?: string;
}

/** A count for one UTC day, `day` written YYYY-MM-DD. Days without any are left out. */
export interface DayCount {
  day: string;
  count: number;
}

export interface InviteStore {
  create(invite: NewInvite): Promise<InviteRecord>;
  /** Inserts many in one go (bulk creation); returns them in the same order. */
  createMany(invites: NewInvite[]): Promise<InviteRecord[]>;
  findById(id: string): Promise<InviteRecord | null>;
  findByTokenHash(tokenHash: string): Promise<InviteRecord | null>;
  /** Newest first. `now` decides which invites count as expired. */
  list(filter: InviteFilter, page: PageRequest, now: Date): Promise<Page<InviteRecord>>;
  /**
   * One conditional update: pending, unexpired and uses < maxUses, then uses + 1.
   * Returns the updated invite, or null when no use could be claimed.
   */
  claimUse(id: string, now: Date): Promise<InviteRecord | null>;
  /** Gives back a use claimed by claimUse when the account could not be created. */
  releaseUse(id: string): Promise<void>;
  /** Conditional on the invite being pending at `now`; null otherwise. */
  revoke(id: string, now: Date): Promise<InviteRecord | null>;
  /**
   * Swaps in a new token hash and expiry; conditional on the invite being neither revoked
   * nor used up. Returns null otherwise.
   */
  rotateToken(id: string, tokenHash: string, expiresAt: Date): Promise<InviteRecord | null>;
  /** Invites created by `createdBy` that count against a quota (all but revoked ones). */
  countCountedAgainstQuota(createdBy: string): Promise<number>;
  /**
   * Inserts the invite only while its creator has fewer than `quota` invites counted against the
   * quota; null when the quota is used up. Atomic: two racing creates never both take the last place.
   */
  createWithinQuota(invite: NewInvite, quota: number): Promise<InviteRecord | null>;
  listRedemptions(inviteId: string): Promise<Redemption[]>;
  /** How many invitations are in each status at `now`: one pass over the table, so callers cache it. */
  countByStatus(now: Date): Promise<Record<InviteStatus, number>>;
  /** Per UTC day in [since, until): invitations that ran out unused that day (not revoked, uses left). */
  expiredPerDay(since: Date, until: Date): Promise<DayCount[]>;
}

export interface AccountRecord {
  id: string;
  /** Lower-cased and trimmed. Unique. */
  email: string;
  emailVerified: boolean;
  passwordHash: string;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  roles: string[];
  inviteId: string | null;
  invitedBy: string | null;
  createdAt: Date;
  disabled: boolean;
  /** Per-user override of max_invites_per_user; null means the configured default. */
  inviteQuota: number | null;
  seq: number;
}

export type NewAccount = Omit<AccountRecord, 'seq'>;

export interface AccountFilter {
  email?: string;
  inviteId?: string;
  /** Whoever created the invitation the account joined with: one level of the invite tree. */
  invitedBy?: string;
  disabled?: boolean;
  /** Accounts holding this role. */
  role?: string;
  /** Only these accounts (at most a page of them): a set found elsewhere, such as current lockouts. */
  ids?: string[];
}

export type AccountPatch = Partial<Pick<AccountRecord, 'disabled' | 'inviteQuota' | 'roles' | 'emailVerified'>>;

export type RedeemOutcome =
  | { ok: true; account: AccountRecord; invite: InviteRecord }
  | { ok: false; reason: 'invite_unavailable' | 'email_taken' };

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
    this.name = 'EmailTakenError';
  }
}

export interface AccountStore {
  /** Throws EmailTakenError when the email is taken. */
  create(account: NewAccount): Promise<AccountRecord>;
  /**
   * Claims one use of the invite and creates the account as one unit: either both happen or
   * neither does, even if the process dies in between.
   */
  createRedeemingInvite(
    account: NewAccount,
    inviteId: string,
    redemption: { ip: string | null },
    now: Date,
  ): Promise<RedeemOutcome>;
  findById(id: string): Promise<AccountRecord | null>;
  findByEmail(email: string): Promise<AccountRecord | null>;
  list(filter: AccountFilter, page: PageRequest): Promise<Page<AccountRecord>>;
  update(id: string, patch: AccountPatch): Promise<AccountRecord | null>;
  /** Deletes the account; returns false when there was none. */
  delete(id: string): Promise<boolean>;
}

export interface AuditEvent {
  id: string;
  type: string;
  at: Date;
  actor: string;
  inviteId: string | null;
  accountId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  reason: string | null;
  /** Extra, non-secret facts (counts for alerts, the admin action's target...). */
  data: Record<string, unknown> | null;
  seq: number;
}

export type NewAuditEvent = Omit<AuditEvent, 'seq'>;

export interface AuditFilter {
  type?: string;
  inviteId?: string;
  accountId?: string;
  actor?: string;
  ip?: string;
  since?: Date;
  until?: Date;
}

/** What the overview counts: events of one type in [since, until). */
export interface AuditCountQuery {
  type: string;
  since: Date;
  until: Date;
  /** Only events without a reason (a view of a valid link, not of a dead one). */
  withoutReason?: boolean;
  /** Each invitation once (per day, or over the whole span); events without one are left out. */
  distinctInvites?: boolean;
}

export interface AuditStore {
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Per UTC day: how many events match. */
  countPerDay(query: AuditCountQuery): Promise<DayCount[]>;
  /** How many events match over the whole span. */
  count(query: AuditCountQuery): Promise<number>;
  /** Newest first. */
  query(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>>;
  /** Newest first, one at a time, without holding the result in memory. */
  stream(filter: AuditFilter): AsyncIterable<AuditEvent>;
  /** Drops events older than `before`; returns how many went. */
  purgeBefore(before: Date): Promise<number>;
}

export interface RateLimitStore {
  /**
   * Counts one hit against `key` in a fixed window of `windowMs` starting at the first hit,
   * atomically across instances. Returns the count including this hit and when the window ends.
   */
  hit(key: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: Date }>;
  /** The current count without adding a hit (0 when the window is over). */
  peek(key: string, now: Date): Promise<{ count: number; resetAt: Date | null }>;
  reset(key: string): Promise<void>;
  /**
   * Sets `key` once per window: true for the caller that set it, false for everyone else
   * until the window ends. Used to raise a single alert per subject and window.
   */
  once(key: string, windowMs: number, now: Date): Promise<boolean>;
}

export interface Job {
  id: string;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  runAt: Date;
  lastError: string | null;
}

export interface JobStore {
  enqueue(queue: string, payload: Record<string, unknown>, runAt: Date): Promise<Job>;
  enqueueMany(queue: string, payloads: Record<string, unknown>[], runAt: Date): Promise<void>;
  /**
   * Leases the next due job of `queue` until now + leaseMs, atomically: two workers never hold
   * the same job. A job whose lease ran out (its worker died) is due again.
   */
  claimNext(queue: string, now: Date, leaseMs: number): Promise<Job | null>;
  complete(id: string): Promise<void>;
  /** Schedules another attempt at `runAt`, recording why this one failed. */
  retry(id: string, runAt: Date, error: string): Promise<void>;
  /** Gives up on the job for good. */
  fail(id: string, error: string): Promise<void>;
  /** Jobs still waiting or leased (not completed, not failed). */
  countPending(queue: string): Promise<number>;
  /** Newest first; completed jobs are gone, so these are the waiting, leased and failed ones. */
  list(filter: JobFilter, page: PageRequest): Promise<Page<JobSummary>>;
  /** Jobs of `queue` given up on, and waiting ones whose last attempt failed. */
  countFailing(queue: string): Promise<{ failed: number; retrying: number }>;
  /** A failed job is due again at `runAt` with its attempts counted afresh; null unless it was failed. */
  redeliver(id: string, runAt: Date): Promise<JobSummary | null>;
}

export type JobState = 'waiting' | 'leased' | 'failed';

export interface JobFilter {
  queue?: string;
  /** `retrying`: waiting after a failed attempt. */
  state?: JobState | 'retrying';
}

export interface JobSummary extends Job {
  state: JobState;
  seq: number;
}

/** Pending sign-ups waiting for a verification code; the account does not exist yet. */
export interface VerificationRecord {
  id: string;
  /** Everything needed to create the account once the codes are right (password already hashed). */
  registration: Record<string, unknown>;
  emailCodeHash: string | null;
  phoneCodeHash: string | null;
  attempts: number;
  sends: number;
  lastSentAt: Date;
  /** When the store may drop the pending sign-up (TTL / sweep); its codes expire earlier, counted from lastSentAt. */
  expiresAt: Date;
  consumedAt: Date | null;
}

export interface VerificationStore {
  create(record: VerificationRecord): Promise<VerificationRecord>;
  findById(id: string): Promise<VerificationRecord | null>;
  /** Adds one failed attempt; returns the new count. */
  addAttempt(id: string): Promise<number>;
  /** Conditional on not consumed: marks it consumed, returns true for the one caller that did. */
  consume(id: string, now: Date): Promise<boolean>;
  /** Replaces the code hashes after a resend; the wrong-code count carries over (it is per sign-up). */
  replaceCodes(id: string, codes: { emailCodeHash: string | null; phoneCodeHash: string | null }, now: Date, expiresAt: Date): Promise<void>;
}

/** What oidc-provider keeps: sessions, grants, codes, tokens... keyed by model name and id. */
export interface OidcPayloadStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: Date | null): Promise<void>;
  find(model: string, id: string): Promise<Record<string, unknown> | undefined>;
  findByUid(model: string, uid: string): Promise<Record<string, unknown> | undefined>;
  findByUserCode(model: string, userCode: string): Promise<Record<string, unknown> | undefined>;
  consume(model: string, id: string, at: Date): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  /**
   * Removes the `model` records of a grant. Per model, as oidc-provider calls it: an Interaction
   * that names the grant must outlive the revocation of that grant's tokens (a sign-out mid-flow).
   */
  revokeByGrantId(model: string, grantId: string): Promise<void>;
  /** Destroys every stored session, grant and token belonging to an account. */
  destroyByAccountId(accountId: string): Promise<void>;
  /** The unexpired `model` records of an account (its sessions, its grants), at most `limit`. */
  findByAccountId(model: string, accountId: string, limit: number): Promise<Array<{ id: string; payload: Record<string, unknown>; expiresAt: Date | null }>>;
}

/** A signed-in admin console: the cookie holds `id.secret`, the store only SHA-256(secret). */
export interface ConsoleSessionRecord {
  id: string;
  secretHash: string;
  accountId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute end, however active the session is. */
  expiresAt: Date;
}

export interface ConsoleSessionStore {
  create(session: ConsoleSessionRecord): Promise<void>;
  find(id: string): Promise<ConsoleSessionRecord | null>;
  /**
   * Moves lastSeenAt to `now`, only while the session is alive (seen within `idleMs`, before its
   * end): one conditional update, so an idle session can never be revived. False otherwise.
   */
  touch(id: string, now: Date, idleMs: number): Promise<boolean>;
  delete(id: string): Promise<void>;
  /** Ends every console session of an account; returns how many. */
  deleteByAccountId(accountId: string): Promise<number>;
}

/** Small persistent settings: generated development secrets and the like. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Sets the value only when the key is absent; returns the value that won. */
  setIfAbsent(key: string, value: string): Promise<string>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongo';
  invites: InviteStore;
  accounts: AccountStore;
  audit: AuditStore;
  rateLimits: RateLimitStore;
  jobs: JobStore;
  verifications: VerificationStore;
  oidc: OidcPayloadStore;
  settings: KeyValueStore;
  consoleSessions: ConsoleSessionStore;
  /** Throws when the store cannot be reached or written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
