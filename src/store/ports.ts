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
  /** Drops redemption records (they hold an email and an address) older than `before`; returns how many went. */
  purgeRedemptionsBefore(before: Date): Promise<number>;
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
  /** argon2id; null for an account without a password (passkeys alone, or an upstream provider only). */
  passwordHash: string | null;
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

/** A new `email` that another account holds throws EmailTakenError (the unique index decides, atomically). */
export type AccountPatch = Partial<Pick<AccountRecord, 'disabled' | 'inviteQuota' | 'roles' | 'emailVerified' | 'passwordHash' | 'email'>>;

/** What the owner brings to an account taken over from someone who registered their address. */
export interface AccountTakeover {
  accountId: string;
  email: string;
  passwordHash: string;
  roles: string[];
  invitedBy: string | null;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
}

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
  /**
   * Pre-account squatting settled: the real owner of `email`, holding an invitation bound to it
   * and a code proving it, takes over the account someone registered with it unproven. One use of
   * the invitation is claimed and the account gets the owner's credentials as one unit, and only
   * while the account still has this email unverified.
   */
  takeOverRedeemingInvite(takeover: AccountTakeover, inviteId: string, redemption: { ip: string | null }, now: Date): Promise<RedeemOutcome>;
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
}

export type NewAuditEvent = AuditEvent;

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
  /**
   * True when the store drops events past the retention it was opened with by itself (MongoDB's
   * TTL index); false when the app must call purgeBefore (the retention sweeper does).
   */
  readonly expiresOnItsOwn: boolean;
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Per UTC day: how many events match. */
  countPerDay(query: AuditCountQuery): Promise<DayCount[]>;
  /** How many events match over the whole span. */
  count(query: AuditCountQuery): Promise<number>;
  /**
   * Newest first: by `at`, and events of the same `at` in the reverse of the order one writer
   * stored them. No counter is shared by writers, so events stored concurrently by several nodes
   * at the same instant have no order between them beyond being stable. The cursor is the last
   * event's place in this order: a walk never repeats an event, and never misses one stored
   * before the walk began (every page reads the latest committed writes).
   */
  query(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>>;
  /**
   * Newest first, in the order of query, read a page at a time (no server cursor held while a
   * slow reader drains it), without holding the result in memory.
   */
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
  /**
   * Takes one place under `limit` in the fixed window of `key`, atomically across instances: a
   * live window below the limit counts up, an ended or absent one restarts at 1, and a full one is
   * left as it is. `taken` says whether this caller got a place; `count` and `resetAt` describe
   * the window after the call. Limits are taken before the slow work they protect, so a parallel
   * burst gets exactly `limit` places.
   */
  take(key: string, limit: number, windowMs: number, now: Date): Promise<{ taken: boolean; count: number; resetAt: Date }>;
  /** Gives back one place taken by `take` (the attempt turned out not to count); never below 0, never in an ended window. */
  giveBack(key: string, now: Date): Promise<void>;
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

/** The proof of holding a job: complete, retry and fail apply only while it is still this lease. */
export interface JobLease {
  id: string;
  /** Random per claim: a later claim of the same job (after the lease ran out) has another. */
  lease: string;
}

export type ClaimedJob = Job & JobLease;

export interface JobStore {
  enqueue(queue: string, payload: Record<string, unknown>, runAt: Date): Promise<Job>;
  /** All or nothing: a failure part way leaves none of the batch queued. */
  enqueueMany(queue: string, payloads: Record<string, unknown>[], runAt: Date): Promise<void>;
  /**
   * Leases the next due job of `queue` for `leaseMs`, atomically: two workers never hold the same
   * job. A job whose lease ran out (its worker died or stalled) is due again, under a new lease.
   * Due-ness and the lease's end are read from the store's own clock (MongoDB's, not each
   * node's), so nodes whose clocks disagree still agree on who holds a job.
   */
  claimNext(queue: string, leaseMs: number): Promise<ClaimedJob | null>;
  /**
   * Each of these is fenced: it applies only while `lease` still holds the job, and returns false
   * (changing nothing) once another worker has claimed it since.
   */
  complete(lease: JobLease): Promise<boolean>;
  /** Schedules another attempt `delayMs` from the store's clock, recording why this one failed. */
  retry(lease: JobLease, delayMs: number, error: string): Promise<boolean>;
  /** Gives up on the job for good; it is kept, failed, until purgeFailedBefore. */
  fail(lease: JobLease, error: string): Promise<boolean>;
  /** Jobs still waiting or leased (not completed, not failed). */
  countPending(queue: string): Promise<number>;
  /** Drops failed jobs that failed before `before` (retention); returns how many went. */
  purgeFailedBefore(before: Date): Promise<number>;
  /** Newest first; completed jobs are gone, so these are the waiting, leased and failed ones. */
  list(filter: JobFilter, page: PageRequest): Promise<Page<JobSummary>>;
  /** Jobs of `queue` given up on, and waiting ones whose last attempt failed. */
  countFailing(queue: string): Promise<{ failed: number; retrying: number }>;
  /**
   * A failed job is due again now (the store's clock) with its attempts counted afresh, and no
   * longer up for failed-job retention; null unless it was failed.
   */
  redeliver(id: string): Promise<JobSummary | null>;
}

export type JobState = 'waiting' | 'leased' | 'failed';

export interface JobFilter {
  queue?: string;
  /** `retrying`: waiting after a failed attempt. */
  state?: JobState | 'retrying';
}

export interface JobSummary extends Job {
  state: JobState;
}

/** Pending sign-ups waiting for a verification code; the account does not exist yet. */
/** A sign-up held until its codes come back: enough to create the account, never a plaintext secret. */
export interface PendingSignUp {
  email: string;
  inviteId: string | null;
  /**
   * The hash of the invitation link it started with: an admin's resend swaps the link, and that
   * ends the sign-ups begun with the old one. Absent on records stored before it was kept.
   */
  inviteTokenHash?: string | null;
  /** An invitation bound to this address already vouched for it. */
  emailVerified: boolean;
  roles: string[];
  passwordHash: string;
  phoneNumber: string | null;
  channels: Array<'email' | 'phone'>;
  /** The hosted interaction that started it, when it came from the hosted pages. */
  interactionUid: string | null;
  /** Pre-account squatting: the unproven account the owner takes over once the code proves the address. */
  takeoverOf?: string | null;
}

export interface VerificationRecord {
  id: string;
  /** Everything needed to create the account once the codes are right (password already hashed). */
  registration: PendingSignUp;
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
  /**
   * Claims one send of new codes before anything is sent, in one conditional update: counts the
   * send and stamps `lastSentAt = now` and `expiresAt`, only while the record is unconsumed and
   * unexpired, has had fewer than `maxSends` sends, and last sent at or before `sentBefore`.
   * Returns the updated record, or null when the rules refuse or another request claimed first.
   */
  claimSend(id: string, claim: { now: Date; sentBefore: Date; maxSends: number; expiresAt: Date }): Promise<VerificationRecord | null>;
  /** Undoes the send claimed at `claimedAt` when it could not be sent: the count and both times go back (only if no later send was claimed). */
  releaseSend(id: string, claimedAt: Date, previous: { lastSentAt: Date; expiresAt: Date }): Promise<void>;
  /**
   * Stores the code hashes of the send claimed at `sentAt` (ignored once a later send is claimed);
   * the old codes stop working. The wrong-code count carries over (it is per sign-up).
   */
  setCodes(id: string, codes: { emailCodeHash: string | null; phoneCodeHash: string | null }, sentAt: Date): Promise<void>;
}

/** Where a confirmed waitlist request stands in the queue; `unconfirmed` requests are not in it yet. */
export type WaitlistStatus = 'pending' | 'approved' | 'denied';

/**
 * A request to join: first unconfirmed (a link and a code went to the address), then, once
 * confirmed, an entry of the queue (pending) until an admin approves or denies it.
 */
export interface WaitlistEntry {
  id: string;
  /** Lower-cased and trimmed. At most one confirmed entry per email. */
  email: string;
  /** The email's domain, for filters and the domain rules. */
  domain: string;
  name: string | null;
  reason: string | null;
  /** A referral (a member's id or a campaign string), kept as data. */
  ref: string | null;
  status: 'unconfirmed' | WaitlistStatus;
  /** SHA-256 of the confirmation link's token, while unconfirmed; never the token. */
  tokenHash: string | null;
  /** HMAC of the confirmation code, while unconfirmed; never the code. */
  codeHash: string | null;
  /** Wrong codes tried against this request. */
  attempts: number;
  requestedAt: Date;
  /** When an unconfirmed request stops counting (and the store may drop it); null once confirmed. */
  expiresAt: Date | null;
  confirmedAt: Date | null;
  decidedAt: Date | null;
  /** The admin (or `system`, for auto-approval) who approved or denied it. */
  decidedBy: string | null;
  denialReason: string | null;
  /** The invitation an approval created. */
  inviteId: string | null;
  /** The place in the queue, given at confirmation (the order of the list); null while unconfirmed. */
  seq: number | null;
}

export type NewWaitlistRequest = Pick<WaitlistEntry, 'id' | 'email' | 'domain' | 'name' | 'reason' | 'ref' | 'tokenHash' | 'codeHash' | 'requestedAt'> & { expiresAt: Date };

export interface WaitlistFilter {
  status?: WaitlistStatus;
  /** The start of the (lower-case) email address. */
  emailPrefix?: string;
  /** The whole email domain. */
  domain?: string;
}

export type WaitlistConfirmation =
  | { ok: true; entry: WaitlistEntry }
  /** Unknown, already confirmed or discarded, or expired. */
  | { ok: false; reason: 'gone' }
  /** The email already has an entry in the queue (that one is returned); the request stays unconfirmed. */
  | { ok: false; reason: 'already_queued'; entry: WaitlistEntry };

export interface WaitlistDecision {
  status: 'approved' | 'denied';
  at: Date;
  by: string;
  inviteId?: string | null;
  denialReason?: string | null;
}

export interface WaitlistStore {
  /** Stores an unconfirmed request (the embedded store sweeps expired ones as new ones come). */
  create(request: NewWaitlistRequest): Promise<WaitlistEntry>;
  findById(id: string): Promise<WaitlistEntry | null>;
  /** The unconfirmed, unexpired request whose link token hashes to `tokenHash`, or null. */
  findUnconfirmedByTokenHash(tokenHash: string, now: Date): Promise<WaitlistEntry | null>;
  /** Adds one wrong code; returns the new count (0 for an unknown id). */
  addAttempt(id: string): Promise<number>;
  /**
   * Puts an unconfirmed, unexpired request into the queue (pending, with the next place, its
   * secrets cleared) in one atomic step, unless its email already has an entry there.
   */
  confirm(id: string, now: Date): Promise<WaitlistConfirmation>;
  /** Removes an unconfirmed request (confirmed, but not queued); true for the one caller that did. */
  discard(id: string): Promise<boolean>;
  /** Entries of the queue (never unconfirmed requests), oldest first, cursor pagination. */
  list(filter: WaitlistFilter, page: PageRequest): Promise<Page<WaitlistEntry>>;
  /** Approves or denies a pending entry; null when it is not pending (or unknown). Atomic. */
  decide(id: string, decision: WaitlistDecision): Promise<WaitlistEntry | null>;
  countByStatus(): Promise<Record<WaitlistStatus, number>>;
  /** Pending entries ahead of the place `seq` in the queue. */
  countPendingBefore(seq: number): Promise<number>;
}

/** What oidc-provider keeps: sessions, grants, codes, tokens... keyed by model name and id. */
export interface OidcPayloadStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: Date | null): Promise<void>;
  find(model: string, id: string): Promise<Record<string, unknown> | undefined>;
  findByUid(model: string, uid: string): Promise<Record<string, unknown> | undefined>;
  findByUserCode(model: string, userCode: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Marks the payload consumed, conditionally: true for the one caller that consumed it, false
   * when it was consumed already (or is gone). Two nodes redeeming one code never both win.
   */
  consume(model: string, id: string, at: Date): Promise<boolean>;
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

/** An account's link to an upstream identity provider, keyed by the upstream's (issuer, subject). */
export interface FederatedIdentityRecord {
  id: string;
  accountId: string;
  /** The configured provider entry (`upstream_providers[].id`) it was linked through. */
  providerId: string;
  issuer: string;
  subject: string;
  /** The upstream's verified email when linked, shown to the member; never used to find the link. */
  email: string | null;
  createdAt: Date;
}

export type UnlinkOutcome = 'removed' | 'not_found' | 'last';

export interface FederatedIdentityStore {
  /** Inserts the link; null when (issuer, subject) is already linked to any account. Atomic under races. */
  link(identity: FederatedIdentityRecord): Promise<FederatedIdentityRecord | null>;
  findBySubject(issuer: string, subject: string): Promise<FederatedIdentityRecord | null>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<FederatedIdentityRecord[]>;
  /**
   * Removes one link of the account. With `keepOne`, the account's only link stays ('last'): two
   * racing unlinks of an account's last two links never both succeed.
   */
  unlink(accountId: string, id: string, options: { keepOne: boolean }): Promise<UnlinkOutcome>;
  /** Removes every link of an account (it was deleted, or its creation was undone); returns how many went. */
  deleteByAccount(accountId: string): Promise<number>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongo';
  invites: InviteStore;
  accounts: AccountStore;
  audit: AuditStore;
  rateLimits: RateLimitStore;
  jobs: JobStore;
  verifications: VerificationStore;
  waitlist: WaitlistStore;
  oidc: OidcPayloadStore;
  settings: KeyValueStore;
  federatedIdentities: FederatedIdentityStore;
  /** Recovery codes and links, email-change codes. */
  accountCodes: AccountCodeStore;
  consoleSessions: ConsoleSessionStore;
  mfa: MfaStore;
  /** Throws when the store cannot be reached or written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What an account code proves: the address of an account that forgot its password, or the new address of an email change. */
export type AccountCodePurpose = 'recovery' | 'email_change';

/**
 * A code (or an admin's link) that proves an address for an existing account. Recovery records are
 * stored for every request, whatever the address: one no account answers keeps `accountId` null
 * and can never be verified, so a request does the same work for any address.
 */
export interface AccountCodeRecord {
  id: string;
  purpose: AccountCodePurpose;
  /** SHA-256 of the normalised address the code goes to: a newer request for it supersedes this one. */
  emailKey: string;
  /** The account it is for; null while undecided, and for good when no active account has the address. */
  accountId: string | null;
  /** An email change's new address (it becomes the account's once the code is right). */
  newEmail: string | null;
  /**
   * How the proof travels: a code mailed to the address, an admin's link mailed there, or an
   * admin's link handed out by the admin (which proves nothing about the address).
   */
  via: 'code' | 'admin_email' | 'admin_link';
  /** HMAC of the code; null for an admin's link, which has no code. */
  codeHash: string | null;
  /** Wrong codes tried so far. */
  attempts: number;
  createdAt: Date;
  /** The code works until then. */
  expiresAt: Date;
  /** A newer request, a reset or a password change ended it. */
  supersededAt: Date | null;
  /** The right code came back (or an admin made a link): the reset token below was handed out. */
  verifiedAt: Date | null;
  /** SHA-256 of the reset token; the token itself is never stored. */
  resetTokenHash: string | null;
  resetExpiresAt: Date | null;
  /** The reset token was spent (single use). */
  completedAt: Date | null;
  /** When the store may drop the record (MongoDB TTL index; the embedded store sweeps). */
  purgeAt: Date;
  /** Insertion order: the newest of racing requests wins. */
  seq: number;
}

export type NewAccountCode = Omit<AccountCodeRecord, 'seq'>;

export interface AccountCodeStore {
  /**
   * Stores the record, then supersedes every older live record of the same purpose for the same
   * address (or, when `accountId` is set, the same account): of two racing requests the later
   * one stands, never both.
   */
  create(record: NewAccountCode, now: Date): Promise<AccountCodeRecord>;
  findById(id: string): Promise<AccountCodeRecord | null>;
  findByResetTokenHash(tokenHash: string): Promise<AccountCodeRecord | null>;
  /** Names the account of an undecided record, unless it was superseded meanwhile; true when set. */
  attachAccount(id: string, accountId: string): Promise<boolean>;
  /** Adds one wrong try, atomically; returns the new count (0 for a missing record). */
  addAttempt(id: string): Promise<number>;
  /**
   * The right code: conditional on the record being for an account, unverified, not superseded,
   * not completed and unexpired at `now`. Stores the reset token's hash; true for the one caller.
   */
  markVerified(id: string, reset: { tokenHash: string | null; expiresAt: Date | null }, now: Date): Promise<boolean>;
  /** Spends the reset token: conditional on verified, not completed, not superseded and unexpired. True for the one caller. */
  complete(id: string, now: Date): Promise<boolean>;
  /** Ends every live record of `purpose` for the account (a reset done, a password changed); returns how many. */
  supersedeAccount(accountId: string, purpose: AccountCodePurpose, now: Date): Promise<number>;
}

// Second factors and passkeys (src/mfa/): what an account signs in with besides its password.

/** A WebAuthn credential (a passkey): its public key only, never anything secret. */
export interface PasskeyRecord {
  /** The credential ID, base64url: unique across accounts. */
  id: string;
  accountId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter (0 for most synced passkeys). */
  counter: number;
  transports: string[];
  /** singleDevice: bound to one authenticator (hardware key); multiDevice: synced. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** An authenticator app (TOTP): one per account. */
export interface TotpRecord {
  accountId: string;
  /** The shared secret, sealed (AES-256-GCM): never stored in clear. */
  sealedSecret: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** The last time step a code was accepted for: no code of that step or an earlier one counts again. */
  lastStep: number | null;
}

/** A WebAuthn ceremony in progress: its challenge is good once, until it expires. */
export interface WebAuthnChallengeRecord {
  id: string;
  /** base64url, as the browser signs it. */
  challenge: string;
  purpose: 'signup' | 'register' | 'authenticate' | 'second_factor';
  /** The account it is for (the new account's id for a sign-up); null for a passwordless sign-in. */
  accountId: string | null;
  /** The hosted interaction it belongs to, when it runs in one. */
  interactionUid: string | null;
  /** What the ceremony needs at its end (a sign-up's admission), as JSON; never a secret. */
  data: string | null;
  expiresAt: Date;
}

export type AddPasskeyOutcome = { ok: true; passkey: PasskeyRecord } | { ok: false; reason: 'limit' | 'duplicate' };

/** What removing a factor leaves: `refused` when it would have removed the last one that must stay. */
export type RemoveFactorOutcome = 'removed' | 'missing' | 'refused';

export interface MfaStore {
  /** Adds the passkey while the account has fewer than `max`; a credential ID already stored anywhere is a duplicate. */
  addPasskey(passkey: PasskeyRecord, max: number): Promise<AddPasskeyOutcome>;
  /** Oldest first. */
  listPasskeys(accountId: string): Promise<PasskeyRecord[]>;
  findPasskey(id: string): Promise<PasskeyRecord | null>;
  renamePasskey(accountId: string, id: string, name: string): Promise<PasskeyRecord | null>;
  /**
   * Removes one of the account's passkeys, atomically refused when it is the last one that must
   * stay: with `keepOne`, the account's last factor (no other passkey and no authenticator app);
   * with `keepPasskey`, its last passkey whatever else it has (its passkeys are its only way in).
   */
  removePasskey(accountId: string, id: string, options: { keepOne: boolean; keepPasskey?: boolean }): Promise<RemoveFactorOutcome>;
  /** After a sign-in with it: the new counter and when. */
  recordPasskeyUse(id: string, counter: number, at: Date): Promise<void>;
  /** Stores the account's authenticator app only when it has none; false when one is there. */
  setTotp(totp: TotpRecord): Promise<boolean>;
  findTotp(accountId: string): Promise<TotpRecord | null>;
  /**
   * The replay guard: records `step` as used, only while no code of this step or a later one was
   * accepted (one conditional update). True for the one caller that got it.
   */
  claimTotpStep(accountId: string, step: number, at: Date, resealedSecret?: string): Promise<boolean>;
  /** As removePasskey: with `keepOne`, refused when no passkey would remain. */
  removeTotp(accountId: string, options: { keepOne: boolean }): Promise<RemoveFactorOutcome>;
  /** The account's backup codes become exactly these hashes (all unused); the old ones stop working. */
  replaceBackupCodes(accountId: string, codeHashes: string[], at: Date): Promise<void>;
  /** Marks the unused code with this hash used; true for the one caller that did. */
  useBackupCode(accountId: string, codeHash: string, at: Date): Promise<boolean>;
  /** Unused backup codes. */
  countBackupCodes(accountId: string): Promise<number>;
  /** Drops every factor and backup code of the account (an admin's reset, a deleted account); says what went. */
  removeAll(accountId: string): Promise<{ passkeys: number; totp: boolean; backupCodes: number }>;
  createChallenge(challenge: WebAuthnChallengeRecord): Promise<void>;
  /** Removes and returns the challenge, once: null when it is gone, already taken or expired at `now`. */
  takeChallenge(id: string, now: Date): Promise<WebAuthnChallengeRecord | null>;
}
