// MongoDB schemas, models and their indexes (unique, TTL, and one per list/audit filter).
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { accountCodeSchema, type AccountCodeDoc } from './account-code-model.ts';
import { createMfaModels, type MfaModels } from './mfa-models.ts';

/*
 * Every collection uses our own string ids as `_id`, so "id is unique" is MongoDB's own
 * guarantee. Caller-shaped records (invite metadata, audit data, oidc payloads, job payloads,
 * pending registrations) are stored as JSON text: their keys are not ours, and a key starting
 * with `$` or holding a `.` must never be read as an operator or a path.
 */

export interface InviteDoc {
  _id: string;
  tokenHash: string;
  email: string | null;
  uses: number;
  maxUses: number;
  expiresAt: Date;
  createdAt: Date;
  createdBy: string;
  clientId: string | null;
  roles: string[];
  metadata: string;
  note: string | null;
  revokedAt: Date | null;
  seq: number;
}

export interface RedemptionDoc {
  inviteId: string;
  accountId: string;
  email: string;
  at: Date;
  ip: string | null;
}

export interface FederatedIdentityDoc {
  _id: string;
  accountId: string;
  providerId: string;
  issuer: string;
  subject: string;
  email: string | null;
  createdAt: Date;
}

export interface AccountDoc {
  _id: string;
  email: string;
  emailVerified: boolean;
  /** null: the account signs in with passkeys alone. */
  passwordHash: string | null;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  roles: string[];
  inviteId: string | null;
  invitedBy: string | null;
  createdAt: Date;
  disabled: boolean;
  inviteQuota: number | null;
  seq: number;
}

export interface AuditDoc {
  _id: string;
  type: string;
  at: Date;
  actor: string;
  inviteId: string | null;
  accountId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  reason: string | null;
  data: string | null;
  /** Tie-break of the newest-first order among events of the same `at` (absent on events stored before it). */
  ord?: Types.ObjectId;
}

export interface RateLimitDoc {
  _id: string;
  count: number;
  resetAt: Date;
}

export interface JobDoc {
  _id: string;
  queue: string;
  payload: string;
  attempts: number;
  runAt: Date;
  state: 'waiting' | 'leased' | 'failed';
  lastError: string | null;
  /** The current claim's token (fencing); null while waiting or failed. */
  lease: string | null;
  failedAt: Date | null;
}

export interface VerificationDoc {
  _id: string;
  registration: string;
  emailCodeHash: string | null;
  phoneCodeHash: string | null;
  attempts: number;
  sends: number;
  lastSentAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

export interface WaitlistDoc {
  _id: string;
  email: string;
  domain: string;
  name: string | null;
  reason: string | null;
  ref: string | null;
  status: 'unconfirmed' | 'pending' | 'approved' | 'denied';
  tokenHash: string | null;
  codeHash: string | null;
  attempts: number;
  requestedAt: Date;
  /** Set while unconfirmed (the TTL index drops the request then); null once in the queue. */
  expiresAt: Date | null;
  confirmedAt: Date | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  denialReason: string | null;
  inviteId: string | null;
  seq: number | null;
}

export interface OidcPayloadDoc {
  /** `${model}:${id}`: model names hold no colon, so the pair maps to one key. */
  _id: string;
  model: string;
  payload: string;
  expiresAt: Date | null;
  uid: string | null;
  userCode: string | null;
  grantId: string | null;
  accountId: string | null;
  consumedAt: Date | null;
}

export interface SettingDoc {
  _id: string;
  value: string;
}

export interface ConsoleSessionDoc {
  _id: string;
  secretHash: string;
  accountId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface CounterDoc {
  _id: string;
  seq: number;
}

export interface Models extends MfaModels {
  Invite: Model<InviteDoc>;
  Redemption: Model<RedemptionDoc>;
  Account: Model<AccountDoc>;
  Audit: Model<AuditDoc>;
  RateLimit: Model<RateLimitDoc>;
  Job: Model<JobDoc>;
  Verification: Model<VerificationDoc>;
  Waitlist: Model<WaitlistDoc>;
  OidcPayload: Model<OidcPayloadDoc>;
  Setting: Model<SettingDoc>;
  FederatedIdentity: Model<FederatedIdentityDoc>;
  Counter: Model<CounterDoc>;
  ConsoleSession: Model<ConsoleSessionDoc>;
  AccountCode: Model<AccountCodeDoc>;
}

export interface ModelOptions {
  /** Audit events older than this many days are deleted by MongoDB's TTL monitor. */
  auditRetentionDays?: number;
}

// strict/strictQuery 'throw': a field we did not declare is a bug or an injection attempt, never data.
const options = (collection: string) => ({ collection, versionKey: false, strict: 'throw', strictQuery: 'throw' }) as const;
const str = { type: String, default: null };
const date = { type: Date, default: null };
const id = { type: String, required: true };
// Sparse lookups (uid, userCode...) index only documents that have the field.
const whenString = (field: string) => ({ partialFilterExpression: { [field]: { $type: 'string' } } });

export function createModels(connection: Connection, modelOptions: ModelOptions = {}): Models {
  const invite = new Schema<InviteDoc>(
    {
      _id: id,
      tokenHash: { type: String, required: true },
      email: str,
      uses: { type: Number, required: true, default: 0 },
      maxUses: { type: Number, required: true },
      expiresAt: { type: Date, required: true },
      createdAt: { type: Date, required: true },
      createdBy: { type: String, required: true },
      clientId: str,
      roles: { type: [String], default: [] },
      metadata: { type: String, required: true },
      note: str,
      revokedAt: date,
      seq: { type: Number, required: true },
    },
    options('invites'),
  );
  invite.index({ tokenHash: 1 }, { unique: true });
  invite.index({ seq: -1 }, { unique: true });
  invite.index({ email: 1, seq: -1 });
  invite.index({ createdBy: 1, seq: -1 });
  invite.index({ createdAt: -1 });
  // Status filters: equality on revokedAt, the seq sort, then the expiry range.
  invite.index({ revokedAt: 1, seq: -1, expiresAt: 1 });
  // The overview's expiries per day, and the console's app and role filters.
  invite.index({ expiresAt: 1 });
  invite.index({ clientId: 1, seq: -1 });
  invite.index({ roles: 1, seq: -1 });

  const redemption = new Schema<RedemptionDoc>(
    {
      inviteId: { type: String, required: true },
      accountId: { type: String, required: true },
      email: { type: String, required: true },
      at: { type: Date, required: true },
      ip: str,
    },
    options('redemptions'),
  );
  redemption.index({ inviteId: 1, at: 1, _id: 1 });
  // Retention: redemption records hold an email and an address.
  redemption.index({ at: 1 });

  const account = new Schema<AccountDoc>(
    {
      _id: id,
      email: { type: String, required: true },
      emailVerified: { type: Boolean, required: true },
      // Null for an account without a password (passkeys alone, or an upstream provider only).
      passwordHash: str,
      phoneNumber: str,
      phoneNumberVerified: { type: Boolean, required: true },
      roles: { type: [String], default: [] },
      inviteId: str,
      invitedBy: str,
      createdAt: { type: Date, required: true },
      disabled: { type: Boolean, required: true },
      inviteQuota: { type: Number, default: null },
      seq: { type: Number, required: true },
    },
    options('accounts'),
  );
  account.index({ email: 1 }, { unique: true });
  account.index({ seq: -1 }, { unique: true });
  account.index({ inviteId: 1, seq: -1 });
  account.index({ invitedBy: 1, seq: -1 });

  const audit = new Schema<AuditDoc>(
    {
      _id: id,
      type: { type: String, required: true },
      at: { type: Date, required: true },
      actor: { type: String, required: true },
      inviteId: str,
      accountId: str,
      ip: str,
      userAgent: str,
      requestId: str,
      reason: str,
      data: str,
      ord: { type: Schema.Types.ObjectId },
    },
    options('audit_events'),
  );
  // Newest first by (at, ord): the unfiltered list and since/until, then one per equality filter.
  audit.index({ at: -1, ord: -1 });
  for (const field of ['type', 'inviteId', 'accountId', 'actor', 'ip']) audit.index({ [field]: 1, at: -1, ord: -1 });
  // One index on `at` serves since/until and, when retention is configured, the TTL monitor
  // (a TTL index must be single-field, so it cannot be folded into the others).
  const retentionDays = modelOptions.auditRetentionDays;
  audit.index({ at: 1 }, retentionDays ? { expireAfterSeconds: Math.round(retentionDays * 86_400) } : {});

  const rateLimit = new Schema<RateLimitDoc>(
    { _id: id, count: { type: Number, required: true }, resetAt: { type: Date, required: true } },
    options('rate_limits'),
  );
  // An ended window is a dead document: the TTL monitor clears it (reads never trust it anyway).
  rateLimit.index({ resetAt: 1 }, { expireAfterSeconds: 0 });

  const job = new Schema<JobDoc>(
    {
      _id: id,
      queue: { type: String, required: true },
      payload: { type: String, required: true },
      attempts: { type: Number, required: true, default: 0 },
      runAt: { type: Date, required: true },
      state: { type: String, required: true, enum: ['waiting', 'leased', 'failed'] },
      lastError: str,
      lease: str,
      failedAt: date,
    },
    options('jobs'),
  );
  // Claims: equality on queue and state, the due range and the order on runAt, then _id.
  job.index({ queue: 1, state: 1, runAt: 1, _id: 1 });
  // Retention of failed jobs; only failed ones are in it.
  job.index({ failedAt: 1 }, { partialFilterExpression: { state: 'failed' } });

  const verification = new Schema<VerificationDoc>(
    {
      _id: id,
      registration: { type: String, required: true },
      emailCodeHash: str,
      phoneCodeHash: str,
      attempts: { type: Number, required: true },
      sends: { type: Number, required: true },
      lastSentAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
      consumedAt: date,
    },
    options('verifications'),
  );
  verification.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

  const waitlist = new Schema<WaitlistDoc>(
    {
      _id: id,
      email: { type: String, required: true },
      domain: { type: String, required: true },
      name: str,
      reason: str,
      ref: str,
      status: { type: String, required: true, enum: ['unconfirmed', 'pending', 'approved', 'denied'] },
      tokenHash: str,
      codeHash: str,
      attempts: { type: Number, required: true, default: 0 },
      requestedAt: { type: Date, required: true },
      expiresAt: date,
      confirmedAt: date,
      decidedAt: date,
      decidedBy: str,
      denialReason: str,
      inviteId: str,
      seq: { type: Number, default: null },
    },
    options('waitlist'),
  );
  // The link's lookup, only while a token is held.
  waitlist.index({ tokenHash: 1 }, { unique: true, ...whenString('tokenHash') });
  // One queued entry per email, and one holder per place; unconfirmed requests (seq null) are outside both.
  waitlist.index({ email: 1 }, { unique: true, partialFilterExpression: { seq: { $type: 'number' } } });
  waitlist.index({ seq: 1 }, { unique: true, partialFilterExpression: { seq: { $type: 'number' } } });
  // The status filter (and the counts), and the domain filter, each in queue order.
  waitlist.index({ status: 1, seq: 1 });
  waitlist.index({ domain: 1, seq: 1 });
  // Unconfirmed requests expire; confirmed ones have no expiresAt and stay.
  waitlist.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

  const oidcPayload = new Schema<OidcPayloadDoc>(
    {
      _id: id,
      model: { type: String, required: true },
      payload: { type: String, required: true },
      expiresAt: date,
      uid: str,
      userCode: str,
      grantId: str,
      accountId: str,
      consumedAt: date,
    },
    options('oidc_payloads'),
  );
  // Payloads without expiry (null) are left alone by the TTL monitor.
  oidcPayload.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  oidcPayload.index({ model: 1, uid: 1 }, whenString('uid'));
  oidcPayload.index({ model: 1, userCode: 1 }, whenString('userCode'));
  oidcPayload.index({ grantId: 1 }, whenString('grantId'));
  oidcPayload.index({ accountId: 1 }, whenString('accountId'));

  const federatedIdentity = new Schema<FederatedIdentityDoc>(
    {
      _id: id,
      accountId: { type: String, required: true },
      providerId: { type: String, required: true },
      issuer: { type: String, required: true },
      subject: { type: String, required: true },
      email: str,
      createdAt: { type: Date, required: true },
    },
    options('federated_identities'),
  );
  // Linking goes by (issuer, subject): one account per upstream identity, MongoDB's own guarantee.
  federatedIdentity.index({ issuer: 1, subject: 1 }, { unique: true });
  federatedIdentity.index({ accountId: 1, createdAt: 1 });

  const setting = new Schema<SettingDoc>({ _id: id, value: { type: String, required: true } }, options('settings'));
  const consoleSession = new Schema<ConsoleSessionDoc>(
    {
      _id: id,
      secretHash: { type: String, required: true },
      accountId: { type: String, required: true },
      createdAt: { type: Date, required: true },
      lastSeenAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
    },
    options('console_sessions'),
  );
  consoleSession.index({ accountId: 1 });
  // Past its absolute end a session is dead: the TTL monitor clears it.
  consoleSession.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  const counter = new Schema<CounterDoc>({ _id: id, seq: { type: Number, required: true } }, options('counters'));

  return {
    Invite: connection.model<InviteDoc>('Invite', invite),
    Redemption: connection.model<RedemptionDoc>('Redemption', redemption),
    Account: connection.model<AccountDoc>('Account', account),
    Audit: connection.model<AuditDoc>('AuditEvent', audit),
    RateLimit: connection.model<RateLimitDoc>('RateLimit', rateLimit),
    Job: connection.model<JobDoc>('Job', job),
    Verification: connection.model<VerificationDoc>('Verification', verification),
    Waitlist: connection.model<WaitlistDoc>('WaitlistEntry', waitlist),
    OidcPayload: connection.model<OidcPayloadDoc>('OidcPayload', oidcPayload),
    Setting: connection.model<SettingDoc>('Setting', setting),
    FederatedIdentity: connection.model<FederatedIdentityDoc>('FederatedIdentity', federatedIdentity),
    Counter: connection.model<CounterDoc>('Counter', counter),
    ConsoleSession: connection.model<ConsoleSessionDoc>('ConsoleSession', consoleSession),
    AccountCode: connection.model<AccountCodeDoc>('AccountCode', accountCodeSchema()),
    ...createMfaModels(connection, options),
  };
}
