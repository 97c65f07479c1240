// Sign-up with extra verification: admit the person, hold the sign-up (password already hashed)
// in a pending record, send codes by email and/or SMS, and create the account only when the
// right codes come back. Without a verification to do, it creates the account at once.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { AppError, badRequest, conflict } from '../errors.ts';
import { messageFor } from '../i18n/messages.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { AccountRecord, Store, VerificationRecord } from '../store/ports.ts';
import type { Admission, RegistrationInput, RegistrationService } from '../accounts/registration-service.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { addressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import { SmsDeliveryError } from '../sms/sms-transport.ts';
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

/** What the pending record keeps: enough to create the account later, never a plaintext secret. */
interface PendingSignUp {
  email: string;
  inviteId: string | null;
  /** An invitation bound to this address already vouched for it. */
  emailVerified: boolean;
  roles: string[];
  passwordHash: string;
  phoneNumber: string | null;
  channels: Channel[];
  /** The hosted interaction that started it, when it came from the hosted pages. */
  interactionUid: string | null;
}

export type SignUpOutcome =
  | { status: 'created'; account: AccountRecord }
  | { status: 'verification_required'; verificationId: string; channels: Channel[] };

export interface SignUpInput extends RegistrationInput {
  interactionUid?: string | null;
}

export interface VerifyInput {
  verificationId: string;
  emailCode?: string | null;
  phoneCode?: string | null;
  /** Set by the hosted pages: the verification must belong to this interaction. */
  interactionUid?: string | null;
}

export interface VerificationServiceDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  registration: RegistrationService;
  limiter: RateLimiter;
  sender: CodeSender;
  /** HMAC keys for code hashes, newest first: hashed with the first, checked against all (see verification-codes.ts). */
  codeKey: CodeKeys;
}

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

export function createVerificationService(deps: VerificationServiceDeps) {
  const { store, config, clock, audit, registration, limiter, sender, codeKey } = deps;

  const notFound = () => new AppError(404, 'not_found', messageFor('verification_not_found'));
  const locked = (record: VerificationRecord, now: Date) =>
    new AppError(429, 'verification_locked', undefined, { headers: { 'Retry-After': String(secondsUntil(record.expiresAt, now)) } });

  /** Draws new codes for `channels`, delivers them (SMS first: the one that can fail inline), returns their hashes. */
  async function issueCodes(id: string, pending: Pick<PendingSignUp, 'email' | 'phoneNumber' | 'channels'>) {
    const codes: Partial<Record<Channel, string>> = {};
    for (const channel of pending.channels) codes[channel] = generateCode();
    try {
      if (codes.phone) await sender.sms(pending.phoneNumber!, codes.phone, CODE_TTL_MINUTES);
    } catch (error) {
      // The gateway's trouble, not the caller's: 503, and nothing promised to the person was lost.
      if (error instanceof SmsDeliveryError) throw new AppError(503, 'sms_unavailable', undefined, { headers: { 'Retry-After': '60' } });
      throw error;
    }
    if (codes.email) await sender.email(pending.email, codes.email, CODE_TTL_MINUTES);
    return {
      emailCodeHash: codes.email ? hashCode(codeKey, id, 'email', codes.email) : null,
      phoneCodeHash: codes.phone ? hashCode(codeKey, id, 'phone', codes.phone) : null,
    };
  }

  /** The live pending record, or the refusal that applies to it. */
  async function loadPending(id: string, interactionUid: string | null | undefined, now: Date) {
    const record = typeof id === 'string' && id.length <= 64 ? await store.verifications.findById(id) : null;
    // Past its lifetime the record may linger until the store drops it; it counts as gone.
    if (!record || record.expiresAt.getTime() <= now.getTime()) throw notFound();
    const pending = record.registration as unknown as PendingSignUp;
    if (interactionUid && pending.interactionUid !== interactionUid) throw notFound();
    if (record.consumedAt) throw conflict(messageFor('verification_used'));
    if (record.attempts >= MAX_WRONG_CODES) throw locked(record, now);
    return { record, pending };
  }

  async function failed(reason: string, pending: PendingSignUp, meta: RequestMeta): Promise<void> {
    await audit.record({ type: 'registration.failed', actor: 'anonymous', inviteId: pending.inviteId, reason, data: { email_domain: pending.email.split('@').pop() ?? null } }, meta);
  }

  return {
    /**
     * The sign-up entry point for both the JSON API and the hosted form: creates the account
     * right away, or holds it until the codes come back when the configuration asks for them.
     */
    async signUp(input: SignUpInput, meta: RequestMeta): Promise<SignUpOutcome> {
      // Input first: a malformed or missing number changes nothing and counts nothing.
      let phoneNumber: string | null = null;
      if (input.phoneNumber) phoneNumber = toE164(input.phoneNumber);
      else if (config.require_phone_verification) throw badRequest([{ path: 'phone_number', message: 'is required' }], messageFor('phone_number_required'));
      const admission = await registration.admit(input, meta);
      const channels: Channel[] = [];
      if (config.require_email_verification && !admission.emailVerified) channels.push('email');
      if (config.require_phone_verification) channels.push('phone');
      const passwordHash = await hashPassword(input.password);
      if (!channels.length) {
        return { status: 'created', account: await registration.createAccount(admission, { passwordHash, phoneNumber }, meta) };
      }
      const pending: PendingSignUp = {
        email: admission.email,
        inviteId: admission.invite?.id ?? null,
        emailVerified: admission.emailVerified,
        roles: admission.roles,
        passwordHash,
        phoneNumber,
        channels,
        interactionUid: input.interactionUid ?? null,
      };
      const id = randomUUID();
      const now = clock();
      // Codes are drawn and sent before the record is stored: an SMS gateway failure leaves nothing behind.
      const hashes = await issueCodes(id, pending);
      await store.verifications.create({
        id,
        registration: pending as unknown as Record<string, unknown>,
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
      await limiter.check('code_failure', addressSubject(meta));
      const now = clock();
      const { record, pending } = await loadPending(input.verificationId, input.interactionUid, now);
      const given: Record<Channel, string | null | undefined> = { email: input.emailCode?.trim(), phone: input.phoneCode?.trim() };
      const missing = pending.channels.filter((channel) => !given[channel]);
      if (missing.length) {
        throw badRequest(missing.map((channel) => ({ path: `${channel}_code`, message: 'is required' })), messageFor('code_required'));
      }
      if (now.getTime() >= record.lastSentAt.getTime() + CODE_TTL_MINUTES * MINUTE) {
        await failed('code_expired', pending, meta);
        throw new AppError(400, 'code_expired');
      }
      // The attempt is counted before the codes are compared (one atomic increment), so concurrent
      // guesses cannot slip more than MAX_WRONG_CODES comparisons past the limit.
      const attempt = await store.verifications.addAttempt(record.id);
      if (attempt > MAX_WRONG_CODES) throw locked(record, now);
      const hashes: Record<Channel, string | null> = { email: record.emailCodeHash, phone: record.phoneCodeHash };
      const right = pending.channels.every((channel) => hashes[channel] !== null && codeMatches(codeKey, record.id, channel, given[channel]!, hashes[channel]!));
      if (!right) {
        await limiter.fail('code_failure', addressSubject(meta), meta);
        await failed('invalid_code', pending, meta);
        throw new AppError(400, 'invalid_code', undefined, { details: [{ remaining_attempts: MAX_WRONG_CODES - attempt }] });
      }
      // Consumed before the account is made: a second submission of the same codes is a 409, never a second account.
      if (!(await store.verifications.consume(record.id, now))) throw conflict(messageFor('verification_used'));
      const invite = pending.inviteId ? await store.invites.findById(pending.inviteId) : null;
      if (pending.inviteId && !invite) {
        await failed('invalid_invite', pending, meta);
        throw new AppError(403, 'invalid_invite');
      }
      const admission: Admission = { email: pending.email, invite, emailVerified: pending.emailVerified, roles: invite?.roles ?? pending.roles };
      try {
        return await registration.createAccount(
          admission,
          {
            passwordHash: pending.passwordHash,
            phoneNumber: pending.phoneNumber,
            phoneNumberVerified: pending.channels.includes('phone'),
            emailVerified: pending.channels.includes('email'),
          },
          meta,
        );
      } catch (error) {
        // The invitation was fine at sign-up; if its last place went while the person looked for
        // the code, say so rather than call the link invalid.
        if (error instanceof AppError && error.code === 'invalid_invite' && invite) {
          const latest = await store.invites.findById(invite.id);
          if (latest && latest.uses >= latest.maxUses) throw new AppError(403, 'invalid_invite', messageFor('invite_used_meanwhile'));
        }
        throw error;
      }
    },

    /** "Send a new code": at most once a minute and MAX_RESENDS times; the old codes stop working. */
    async resend(verificationId: string, meta: RequestMeta, options: { interactionUid?: string | null } = {}) {
      await limiter.check('code_failure', addressSubject(meta));
      const now = clock();
      const { record, pending } = await loadPending(verificationId, options.interactionUid, now);
      if (record.sends > MAX_RESENDS) {
        throw new AppError(429, 'resend_limit', undefined, { headers: { 'Retry-After': String(secondsUntil(record.expiresAt, now)) } });
      }
      const nextAllowed = new Date(record.lastSentAt.getTime() + RESEND_INTERVAL_MS);
      if (now.getTime() < nextAllowed.getTime()) {
        throw new AppError(429, 'resend_too_soon', undefined, { headers: { 'Retry-After': String(secondsUntil(nextAllowed, now)) } });
      }
      // Sent first, stored second: a failed send changes nothing, so the person may simply try again.
      const hashes = await issueCodes(record.id, pending);
      await store.verifications.replaceCodes(record.id, hashes, now, new Date(now.getTime() + PENDING_TTL_MS));
      return { verificationId: record.id, channels: pending.channels };
    },

    /** Where the codes of a live pending sign-up went (for the hosted code page); throws its refusal otherwise. */
    async describe(verificationId: string, interactionUid: string) {
      const { pending } = await loadPending(verificationId, interactionUid, clock());
      return { channels: pending.channels, email: pending.email, phoneNumber: pending.phoneNumber };
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
