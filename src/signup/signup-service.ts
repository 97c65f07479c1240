// Sign-up, start to finish: admit the person (admission.ts), then create the account at once, or
// hold the sign-up (password already hashed) in a pending record, send codes by email and/or SMS,
// and create the account only when the right codes come back. Redemption is invites/redemption.ts.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { AppError, badRequest, conflict, notFound, secondsUntil, tooManyRequests } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { EmailTakenError, type AccountRecord, type InviteRecord, type NewAccount, type PendingSignUp, type Store, type VerificationRecord } from '../store/ports.ts';
import type { Redemption } from '../invites/redemption.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { assertStrongPassword, type PasswordPolicy } from '../accounts/password-policy.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import { addressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import { SmsDeliveryError } from '../sms/sms-transport.ts';
import { admissionVia, type Admission, type AdmissionGate } from './admission.ts';
import type { CodeSender } from './code-sender.ts';
import { codeMatches, generateCode, hashCode, type Channel, type CodeKeys } from './verification-codes.ts';
import { toE164 } from './phone-number.ts';

const MINUTE = 60_000;
/** A code is good for 10 minutes after it was sent. */
export const CODE_TTL_MINUTES = 10;
/**
 * The pending sign-up itself lives longer than its code (so "expired, send a new one" can be said),
 * then the store drops it (MongoDB TTL index, embedded sweep). Every resend starts this again.
 */
export const PENDING_TTL_MS = 60 * MINUTE;
/** Wrong codes before the verification locks for good (6 digits: this limit is the real protection). */
export const MAX_WRONG_CODES = 5;
export const RESEND_INTERVAL_MS = MINUTE;
/** "Send a new code" at most this many times per sign-up (so at most 1 + 5 codes ever go out). */
export const MAX_RESENDS = 5;

export type SignUpOutcome =
  | { status: 'created'; account: AccountRecord }
  | { status: 'verification_required'; verificationId: string; channels: Channel[] };

export interface SignUpInput {
  email: string;
  password: string;
  inviteToken?: string | null;
  phoneNumber?: string | null;
  /** The hosted interaction that starts it, when it comes from the hosted pages. */
  interactionUid?: string | null;
}

export interface VerifyInput {
  verificationId: string;
  emailCode?: string | null;
  phoneCode?: string | null;
  /** Set by the hosted pages: the verification must belong to this interaction. */
  interactionUid?: string | null;
}

/** An admitted sign-up waiting for its passkey (a passkey-only sign-up): no password, no secret. */
export type AdmittedWithoutPassword = Pick<PendingSignUp, 'email' | 'inviteId' | 'inviteTokenHash' | 'emailVerified' | 'roles'>;

export interface SignUpServiceDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  gate: AdmissionGate;
  redemption: Redemption;
  limiter: RateLimiter;
  sender: CodeSender;
  /** HMAC keys for code hashes, newest first: hashed with the first, checked against all (see verification-codes.ts). */
  codeKey: CodeKeys;
  /** The password policy (length, blocklist): a weak password is the contract's 400 invalid_request here. */
  passwords: PasswordPolicy;
  /** Ends every session, grant and token of an account, back-channel logout included (a squatter's, on a takeover). */
  endEverySession?: (accountId: string) => Promise<void>;
}


export function createSignUpService(deps: SignUpServiceDeps) {
  const { store, config, clock, audit, gate, redemption, limiter, sender, codeKey, passwords } = deps;

  const gone = () => notFound(t('verification_not_found'));
  const locked = (record: VerificationRecord, now: Date) =>
    tooManyRequests(secondsUntil(record.expiresAt, now), 'verification_locked');

  /** Draws new codes for `channels`, delivers them (SMS first: the one that can fail inline), returns their hashes. */
  async function issueCodes(id: string, pending: Pick<PendingSignUp, 'email' | 'phoneNumber' | 'channels'>) {
    const codes: Partial<Record<Channel, string>> = {};
    for (const channel of pending.channels) codes[channel] = generateCode();
    try {
      if (codes.phone) await sender.sms(pending.phoneNumber!, codes.phone, CODE_TTL_MINUTES);
    } catch (error) {
      // The gateway's trouble, not the caller's: 503, and nothing promised to the person was lost.
      if (error instanceof SmsDeliveryError) throw new AppError('sms_unavailable', { headers: { 'Retry-After': '60' } });
      throw error;
    }
    if (codes.email) await sender.email(pending.email, codes.email, CODE_TTL_MINUTES);
    return {
      emailCodeHash: codes.email ? hashCode(codeKey, id, 'email', codes.email) : null,
      phoneCodeHash: codes.phone ? hashCode(codeKey, id, 'phone', codes.phone) : null,
    };
  }

  /**
   * The invitation a pending sign-up may still redeem. A resend (new link) or a revoke of the
   * invitation ends every sign-up started with it: no code, resend or completion works after that.
   */
  async function invitationStillOffered(pending: AdmittedWithoutPassword, meta?: RequestMeta): Promise<InviteRecord | null> {
    if (!pending.inviteId) return null;
    const invite = await redemption.stillOffered(pending.inviteId, pending.inviteTokenHash);
    if (invite) return invite;
    // Refusals of a completion are audited; a code page or a resend of an ended sign-up need not be.
    if (meta) await failed('invite_withdrawn', pending, meta);
    throw new AppError('invalid_invite', { message: t('invite_withdrawn_meanwhile') });
  }

  /**
   * Creates the account of an admitted sign-up: through the invitation's redemption (one atomic
   * store step with its use), or on its own for the whitelist and open sign-up.
   */
  async function createAccount(
    admission: Admission,
    credentials: { passwordHash: string | null; phoneNumber?: string | null; phoneNumberVerified?: boolean; emailVerified?: boolean; accountId?: string },
    meta: RequestMeta,
    /** An upstream sign-up names the account id (its link is stored first) and how it came in. */
    origin: { accountId?: string; via?: string } = {},
  ): Promise<AccountRecord> {
    const account: NewAccount = {
      id: origin.accountId ?? credentials.accountId ?? randomUUID(),
      email: admission.email,
      emailVerified: admission.emailVerified || (credentials.emailVerified ?? false),
      passwordHash: credentials.passwordHash,
      phoneNumber: credentials.phoneNumber ?? null,
      phoneNumberVerified: credentials.phoneNumberVerified ?? false,
      roles: admission.roles,
      inviteId: admission.invite?.id ?? null,
      invitedBy: admission.invite?.createdBy ?? null,
      createdAt: clock(),
      disabled: false,
      inviteQuota: null,
    };
    let created: AccountRecord;
    if (admission.invite) {
      const redeemed = await redemption.redeem(admission.invite, account, meta);
      if (!redeemed.ok) return gate.refuse(redeemed.refusal, admission.email, admission.invite, meta, redeemed.message);
      created = redeemed.account;
    } else {
      try {
        created = await store.accounts.create(account);
      } catch (error) {
        if (error instanceof EmailTakenError) return gate.refuse('email_taken', admission.email, null, meta);
        throw error;
      }
    }
    await audit.record(
      { type: 'registration.succeeded', actor: created.id, inviteId: created.inviteId, accountId: created.id, data: { via: origin.via ?? admissionVia(admission, config) } },
      meta,
    );
    return created;
  }

  /**
   * Pre-account squatting settled: the owner of the address, with an invitation bound to it and the
   * code that proved it, takes over the account someone else registered with it. One use of the
   * invitation is spent; the squatter's sessions, tokens, codes and links end; both sides are audited.
   */
  async function takeOver(
    admission: Admission,
    invite: InviteRecord,
    accountId: string,
    credentials: { passwordHash: string; phoneNumber: string | null; phoneNumberVerified: boolean },
    meta: RequestMeta,
  ): Promise<AccountRecord> {
    const redeemed = await redemption.takeOver(
      invite,
      { accountId, email: admission.email, roles: invite.roles, invitedBy: invite.createdBy, ...credentials },
      meta,
    );
    if (!redeemed.ok) return gate.refuse(redeemed.refusal, admission.email, invite, meta, redeemed.message);
    const now = clock();
    await (deps.endEverySession ?? ((id: string) => store.oidc.destroyByAccountId(id)))(accountId);
    await store.accountCodes.supersedeAccount(accountId, 'recovery', now);
    await store.accountCodes.supersedeAccount(accountId, 'email_change', now);
    await audit.record({ type: 'account.taken_over', actor: accountId, accountId, inviteId: invite.id, reason: 'unproven_email', data: { sessions_ended: true } }, meta);
    await audit.record({ type: 'registration.succeeded', actor: accountId, inviteId: invite.id, accountId, data: { via: 'takeover' } }, meta);
    return redeemed.account;
  }

  /** The live pending record, or the refusal that applies to it (`meta`: audit an ended invitation). */
  async function loadPending(id: string, interactionUid: string | null | undefined, now: Date, meta?: RequestMeta) {
    const record = typeof id === 'string' && id.length <= 64 ? await store.verifications.findById(id) : null;
    // Past its lifetime the record may linger until the store drops it; it counts as gone.
    if (!record || record.expiresAt.getTime() <= now.getTime()) throw gone();
    const pending = record.registration;
    if (interactionUid && pending.interactionUid !== interactionUid) throw gone();
    if (record.consumedAt) throw conflict(t('verification_used'));
    if (record.attempts >= MAX_WRONG_CODES) throw locked(record, now);
    await invitationStillOffered(pending, meta);
    return { record, pending };
  }

  /** Why "send a new code" must wait or stop, from the record as stored; null when a send may go. */
  function resendRefusal(record: VerificationRecord, now: Date): AppError | null {
    if (record.sends > MAX_RESENDS) {
      return tooManyRequests(secondsUntil(record.expiresAt, now), 'resend_limit');
    }
    const nextAllowed = new Date(record.lastSentAt.getTime() + RESEND_INTERVAL_MS);
    if (now.getTime() < nextAllowed.getTime()) {
      return tooManyRequests(secondsUntil(nextAllowed, now), 'resend_too_soon');
    }
    return null;
  }

  async function failed(reason: string, pending: AdmittedWithoutPassword, meta: RequestMeta): Promise<void> {
    await audit.record({ type: 'registration.failed', actor: 'anonymous', inviteId: pending.inviteId, reason, data: { email_domain: emailDomain(pending.email) } }, meta);
  }

  return {
    /**
     * Creates the account of a sign-up the gate admitted through an upstream account (admitUpstream):
     * no password, the email as the upstream vouched for it, the same redemption and audit trail.
     */
    async createFromUpstream(admission: Admission, origin: { accountId: string; via: string }, meta: RequestMeta): Promise<AccountRecord> {
      return createAccount(admission, { passwordHash: null, emailVerified: admission.emailVerified }, meta, origin);
    },

    /**
     * The sign-up entry point for both the JSON API and the hosted form: creates the account
     * right away, or holds it until the codes come back when the configuration asks for them.
     */
    async start(input: SignUpInput, meta: RequestMeta): Promise<SignUpOutcome> {
      // Input first: a malformed or missing number changes nothing and counts nothing.
      let phoneNumber: string | null = null;
      if (input.phoneNumber) phoneNumber = toE164(input.phoneNumber);
      else if (config.require_phone_verification) throw badRequest([{ path: 'phone_number', message: 'is required' }], t('phone_number_required'));
      assertStrongPassword(passwords, config.product_name, input.password, { email: normalizeEmail(input.email) }, 'invalid_request');
      const admission = await gate.admit(input, meta);
      const channels: Channel[] = [];
      // Taking over an account registered with this address: the address itself must answer a code.
      if ((config.require_email_verification && !admission.emailVerified) || admission.takeoverOf) channels.push('email');
      if (config.require_phone_verification) channels.push('phone');
      const passwordHash = await hashPassword(input.password);
      if (!channels.length) {
        return { status: 'created', account: await createAccount(admission, { passwordHash, phoneNumber }, meta) };
      }
      const pending: PendingSignUp = {
        email: admission.email,
        inviteId: admission.invite?.id ?? null,
        emailVerified: admission.emailVerified,
        roles: admission.roles,
        inviteTokenHash: admission.invite?.tokenHash ?? null,
        passwordHash,
        phoneNumber,
        channels,
        interactionUid: input.interactionUid ?? null,
        ...(admission.takeoverOf ? { takeoverOf: admission.takeoverOf } : {}),
      };
      const id = randomUUID();
      const now = clock();
      // Codes are drawn and sent before the record is stored: an SMS gateway failure leaves nothing behind.
      const hashes = await issueCodes(id, pending);
      await store.verifications.create({
        id,
        registration: pending,
        ...hashes,
        attempts: 0,
        sends: 1,
        lastSentAt: now,
        expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
        consumedAt: null,
      });
      return { status: 'verification_required', verificationId: id, channels };
    },

    /** Checks the codes; the right ones create the account (and claim the invitation use) exactly once. */
    async verify(input: VerifyInput, meta: RequestMeta): Promise<AccountRecord> {
      // The address's place is taken before anything is compared, so a parallel burst of guesses
      // across sign-ups gets no more judgements than rate_limit_code_failures.
      const fromAddress = await limiter.take('code_failure', addressSubject(meta), meta);
      const now = clock();
      const judge = async () => {
        const { record, pending } = await loadPending(input.verificationId, input.interactionUid, now, meta);
        const given: Record<Channel, string | null | undefined> = { email: input.emailCode?.trim(), phone: input.phoneCode?.trim() };
        const missing = pending.channels.filter((channel) => !given[channel]);
        if (missing.length) {
          throw badRequest(missing.map((channel) => ({ path: `${channel}_code`, message: 'is required' })), t('code_required'));
        }
        if (now.getTime() >= record.lastSentAt.getTime() + CODE_TTL_MINUTES * MINUTE) {
          await failed('code_expired', pending, meta);
          throw new AppError('code_expired');
        }
        // The attempt is counted before the codes are compared (one atomic increment), so concurrent
        // guesses cannot slip more than MAX_WRONG_CODES comparisons past the limit.
        const attempt = await store.verifications.addAttempt(record.id);
        if (attempt > MAX_WRONG_CODES) throw locked(record, now);
        const hashes: Record<Channel, string | null> = { email: record.emailCodeHash, phone: record.phoneCodeHash };
        const right = pending.channels.every((channel) => hashes[channel] !== null && codeMatches(codeKey, record.id, channel, given[channel]!, hashes[channel]!));
        return { record, pending, attempt, right };
      };
      let judged: Awaited<ReturnType<typeof judge>>;
      try {
        judged = await judge();
      } catch (error) {
        // Refused before any code was compared (gone, locked, incomplete, expired): not a guess.
        await fromAddress.giveBack();
        throw error;
      }
      const { record, pending, attempt, right } = judged;
      if (!right) {
        await fromAddress.failed();
        await failed('invalid_code', pending, meta);
        throw new AppError('invalid_code', { details: [{ remaining_attempts: MAX_WRONG_CODES - attempt }] });
      }
      await fromAddress.giveBack();
      // Consumed before the account is made: a second submission of the same codes is a 409, never a second account.
      if (!(await store.verifications.consume(record.id, now))) throw conflict(t('verification_used'));
      // Looked at again after the consume: a resend or revoke that landed since still ends this sign-up.
      const invite = await invitationStillOffered(pending, meta);
      const admission: Admission = { email: pending.email, invite, emailVerified: pending.emailVerified, roles: invite?.roles ?? pending.roles };
      if (pending.takeoverOf && invite) {
        return takeOver(admission, invite, pending.takeoverOf, { passwordHash: pending.passwordHash, phoneNumber: pending.phoneNumber, phoneNumberVerified: pending.channels.includes('phone') }, meta);
      }
      return createAccount(
        admission,
        {
          passwordHash: pending.passwordHash,
          phoneNumber: pending.phoneNumber,
          phoneNumberVerified: pending.channels.includes('phone'),
          emailVerified: pending.channels.includes('email'),
        },
        meta,
      );
    },

    /** "Send a new code": at most once a minute and MAX_RESENDS times; the old codes stop working. */
    async resend(verificationId: string, meta: RequestMeta, options: { interactionUid?: string | null } = {}) {
      await limiter.check('code_failure', addressSubject(meta));
      const now = clock();
      const { record, pending } = await loadPending(verificationId, options.interactionUid, now);
      const refused = resendRefusal(record, now);
      if (refused) throw refused;
      // The send is claimed in the store before anything goes out (one conditional update), so
      // parallel requests send one code, not one each: the pace and the cap hold under a burst.
      const claimed = await store.verifications.claimSend(record.id, {
        now,
        sentBefore: new Date(now.getTime() - RESEND_INTERVAL_MS),
        maxSends: MAX_RESENDS + 1,
        expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
      });
      if (!claimed) {
        // Another request claimed it first (or the sign-up ended meanwhile): answer from what is stored now.
        const latest = await loadPending(verificationId, options.interactionUid, now);
        throw resendRefusal(latest.record, now) ?? tooManyRequests(1, 'resend_too_soon');
      }
      let hashes: Awaited<ReturnType<typeof issueCodes>>;
      try {
        hashes = await issueCodes(record.id, pending);
      } catch (error) {
        // Nothing went out: the claim goes back, so the person may simply try again.
        await store.verifications.releaseSend(record.id, now, { lastSentAt: record.lastSentAt, expiresAt: record.expiresAt });
        throw error;
      }
      await store.verifications.setCodes(record.id, hashes, now);
      return { verificationId: record.id, channels: pending.channels };
    },

    /**
     * A passkey-only sign-up, first half: the same admission as any sign-up (counted, checked and
     * audited by the gate). Codes cannot be asked of it (it has no pending record to wait on them), so
     * a sign-up that would need one is refused here, before any passkey is made.
     */
    async admitWithoutPassword(input: { email: string; inviteToken?: string | null }, meta: RequestMeta): Promise<AdmittedWithoutPassword> {
      if (config.require_phone_verification) throw new AppError('passkey_signup_unavailable');
      const admission = await gate.admit(input, meta);
      if (config.require_email_verification && !admission.emailVerified) throw new AppError('passkey_signup_unavailable');
      // Taking an address back from an unproven holder needs the emailed code too.
      if (admission.takeoverOf) throw new AppError('passkey_signup_unavailable');
      return { email: admission.email, inviteId: admission.invite?.id ?? null, inviteTokenHash: admission.invite?.tokenHash ?? null, emailVerified: admission.emailVerified, roles: admission.roles };
    },

    /**
     * The second half, once the passkey is stored under `accountId`: the invitation is looked at
     * again (a resend or revoke since ends the sign-up, as for a pending one) and redeemed in the same
     * atomic step as a password sign-up, with the same audit; the account has no password.
     */
    async completeWithoutPassword(admitted: AdmittedWithoutPassword, accountId: string, meta: RequestMeta): Promise<AccountRecord> {
      const invite = await invitationStillOffered(admitted, meta);
      const admission: Admission = { email: admitted.email, invite, emailVerified: admitted.emailVerified, roles: invite?.roles ?? admitted.roles };
      return createAccount(admission, { passwordHash: null, accountId }, meta);
    },

    /** A hosted form refused before admission: audited like every other attempt (admission.ts). */
    recordRefusedForm(fields: string[], inviteId: string | null, meta: RequestMeta): Promise<void> {
      return gate.recordRefusedForm(fields, inviteId, meta);
    },

    /** Where the codes of a live pending sign-up went (for the hosted code page); throws its refusal otherwise. */
    async describe(verificationId: string, interactionUid: string) {
      const { pending } = await loadPending(verificationId, interactionUid, clock());
      return { channels: pending.channels, email: pending.email, phoneNumber: pending.phoneNumber };
    },
  };
}

export type SignUpService = ReturnType<typeof createSignUpService>;
