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
  createdBy?: string;
  createdAfter?: Date;
  createdBefore?: Date;
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
}

export interface AccountRecord {
  id: string;
  /** Lower-cased and trimmed. Unique. */
  email: string;
  emailVerified: boolean;
  /** argon2id; null for an account that signs in with passkeys alone (a passkey-only sign-up). */
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

export interface AuditStore {
  /**
   * True when the store drops events past the retention it was opened with by itself (MongoDB's
   * TTL index); false when the app must call purgeBefore (the retention sweeper does).
   */
  readonly expiresOnItsOwn: boolean;
  append(event: NewAuditEvent): Promise<AuditEvent>;
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
  mfa: MfaStore;
  /** Throws when the store cannot be reached or written. */
  ping(): Promise<void>;
  close(): Promise<void>;
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
   * Removes one of the account's passkeys. With `keepOne`, atomically refused when it is the
   * account's last factor (no other passkey and no authenticator app).
   */
  removePasskey(accountId: string, id: string, options: { keepOne: boolean }): Promise<RemoveFactorOutcome>;
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
