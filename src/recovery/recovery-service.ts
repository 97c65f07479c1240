// Forgotten passwords: ask (the same work for any address), prove the address with an 8-digit code,
// then set a new password with the reset token the code earned; and an admin's recovery link.
// The person is never signed in by a reset: they sign in afterwards like anyone, so every factor
// that sign-in asks for (a second factor, once there is one) still applies.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { Logger } from '../logging/logger.ts';
import type { PayloadSealer } from '../security/payload-sealer.ts';
import type { AccountCodeRecord, AccountRecord, Store } from '../store/ports.ts';
import { AppError, conflict, notFound, secondsUntil, tooManyRequests } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import { addressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import type { NewPassword } from '../accounts/new-password.ts';
import { createRecoveryDispatch, type RecoveryJob } from './recovery-dispatch.ts';
import {
  emailKeyOf,
  generateRecoveryCode,
  generateResetToken,
  hashRecoveryCode,
  hashResetToken,
  looksLikeRecoveryCode,
  looksLikeResetToken,
  recoveryCodeMatches,
  type RecoveryKeys,
} from '../security/recovery-codes.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Wrong codes before a recovery is dead (10^8 codes: five guesses are a 1 in 20 million chance). */
export const MAX_WRONG_RECOVERY_CODES = 5;
/** An admin's link: 24 hours unless said otherwise, a week at most. */
export const ADMIN_LINK_DEFAULT_HOURS = 24;
export const ADMIN_LINK_MAX_HOURS = 7 * 24;
/** Records outlive their use by a day (for "that code has expired" rather than "unknown"), then go. */
const KEEP_AFTER_MS = 24 * HOUR;

export interface RecoveryServiceDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  limiter: RateLimiter;
  mail: MailQueue;
  newPassword: NewPassword;
  keys: RecoveryKeys;
  /** Seals the background job (it holds the address and the code). */
  sealer: PayloadSealer;
  logger: Logger;
}

export interface RecoveryRequested {
  recoveryId: string;
  expiresInMinutes: number;
}


export function createRecoveryService(deps: RecoveryServiceDeps) {
  const { store, config, clock, audit, limiter, mail, newPassword, keys } = deps;
  const codeMinutes = config.recovery_code_minutes;

  /** The background step: only here does the address's account matter. */
  async function dispatchCode(job: RecoveryJob): Promise<void> {
    const meta = job.meta;
    const account = await store.accounts.findByEmail(job.email);
    const refusal = !account ? 'no_account' : account.disabled ? 'account_disabled' : null;
    if (!account || refusal) {
      // Nothing is sent: a reset never reaches a disabled account, nor an address without one.
      await audit.record({ type: 'password.reset_requested', actor: 'anonymous', accountId: account?.id ?? null, reason: refusal, data: { email_domain: emailDomain(job.email) } }, meta);
      return;
    }
    if (!(await store.accountCodes.attachAccount(job.recordId, account.id))) {
      // Attached by an earlier attempt of this job (then send), or superseded meanwhile (then the newer one sends).
      const record = await store.accountCodes.findById(job.recordId);
      if (record?.accountId !== account.id || record.supersededAt || record.completedAt) return;
    }
    const link = `${config.issuer}/recovery/code?code=${job.code}`;
    await mail.enqueue({ template: 'recovery-code', to: account.email, code: job.code, link, expiresInMinutes: codeMinutes }, { purpose: 'recovery' });
    await audit.record({ type: 'password.reset_requested', actor: 'anonymous', accountId: account.id, data: { via: 'code' } }, meta);
  }

  const dispatch = createRecoveryDispatch({
    jobs: store.jobs,
    sealer: deps.sealer,
    clock,
    logger: deps.logger,
    handle: (job) => dispatchCode(job),
  });

  async function failed(reason: string, record: Pick<AccountCodeRecord, 'accountId'> | null, meta: RequestMeta): Promise<void> {
    await audit.record({ type: 'password.reset_failed', actor: 'anonymous', accountId: record?.accountId ?? null, reason }, meta);
  }

  /** The record a reset token stands for while it may still be spent, with its active account; null otherwise. */
  async function usableReset(resetToken: string, now: Date): Promise<{ record: AccountCodeRecord; account: AccountRecord | null } | null> {
    const record = looksLikeResetToken(resetToken) ? await store.accountCodes.findByResetTokenHash(hashResetToken(resetToken)) : null;
    if (!record || record.purpose !== 'recovery' || !record.accountId || !record.verifiedAt) return null;
    if (record.completedAt || record.supersededAt || !record.resetExpiresAt || record.resetExpiresAt.getTime() <= now.getTime()) return { record, account: null };
    const account = await store.accounts.findById(record.accountId);
    // A reset never re-enables a disabled account: its link is dead while it is disabled.
    return { record, account: account && !account.disabled ? account : null };
  }

  return {
    /**
     * "Forgot your password?": the same answer, and the same work, for any address. The limits are
     * counted, one record and one sealed job stored; whether an account has the address is found
     * out in the background, which alone sends the code.
     */
    async request(emailInput: string, meta: RequestMeta): Promise<RecoveryRequested> {
      const email = normalizeEmail(emailInput);
      await limiter.hit('recovery_request', addressSubject(meta), meta);
      const emailKey = emailKeyOf(keys, email);
      // Per address sent to, whoever asks: three in a window and ten a day keep a mailbox from being flooded.
      await limiter.hit('recovery_email', emailKey, meta);
      await limiter.hit('recovery_email_daily', emailKey, meta);
      const now = clock();
      const id = randomUUID();
      const code = generateRecoveryCode();
      await store.accountCodes.create(
        {
          id,
          purpose: 'recovery',
          emailKey,
          accountId: null,
          newEmail: null,
          via: 'code',
          codeHash: hashRecoveryCode(keys, id, code),
          attempts: 0,
          createdAt: now,
          expiresAt: new Date(now.getTime() + codeMinutes * MINUTE),
          supersededAt: null,
          verifiedAt: null,
          resetTokenHash: null,
          resetExpiresAt: null,
          completedAt: null,
          purgeAt: new Date(now.getTime() + codeMinutes * MINUTE + KEEP_AFTER_MS),
        },
        now,
      );
      await dispatch.enqueue({ recordId: id, email, code, meta });
      return { recoveryId: id, expiresInMinutes: codeMinutes };
    },

    /**
     * The code: right, it earns a single-use reset token; wrong, it counts (per recovery and per
     * address); after MAX_WRONG_RECOVERY_CODES wrong ones the recovery is dead. A recovery no account
     * answers behaves exactly like a real one whose code is never typed right.
     */
    async verify(input: { recoveryId: string; code: string }, meta: RequestMeta): Promise<{ resetToken: string; expiresInSeconds: number }> {
      // The address's place is taken before any code is compared: a burst of guesses across
      // recoveries gets no more judgements than rate_limit_code_failures.
      const fromAddress = await limiter.take('code_failure', addressSubject(meta), meta);
      const now = clock();
      const code = input.code.trim();
      let record: AccountCodeRecord | null;
      let attempt: number;
      try {
        record = typeof input.recoveryId === 'string' && input.recoveryId.length <= 64 ? await store.accountCodes.findById(input.recoveryId) : null;
        if (record && record.purpose !== 'recovery') record = null;
        if (record) {
          if (record.attempts >= MAX_WRONG_RECOVERY_CODES) throw tooManyRequests(secondsUntil(record.expiresAt, now), 'recovery_locked');
          if (record.supersededAt || record.verifiedAt || record.completedAt || record.expiresAt.getTime() <= now.getTime()) {
            await failed('code_expired', record, meta);
            throw new AppError('code_expired');
          }
        }
      } catch (error) {
        // Refused before any code was compared: not a guess.
        await fromAddress.giveBack();
        throw error;
      }
      if (!record) {
        // An id nobody was given: a guess like a wrong code.
        await fromAddress.failed();
        await failed('unknown_recovery', null, meta);
        throw new AppError('invalid_code', { details: [{ remaining_attempts: 0 }] });
      }
      // Counted before the comparison, atomically: racing guesses cannot slip past the limit.
      attempt = await store.accountCodes.addAttempt(record.id);
      if (attempt > MAX_WRONG_RECOVERY_CODES) {
        await fromAddress.giveBack();
        throw tooManyRequests(secondsUntil(record.expiresAt, now), 'recovery_locked');
      }
      // Compared whether or not an account answered the request, so both take the same time.
      const matches = record.codeHash !== null && looksLikeRecoveryCode(code) && recoveryCodeMatches(keys, record.id, code, record.codeHash);
      const right = matches && record.accountId !== null;
      if (!right) {
        await fromAddress.failed();
        await failed('invalid_code', record, meta);
        throw new AppError('invalid_code', { details: [{ remaining_attempts: MAX_WRONG_RECOVERY_CODES - attempt }] });
      }
      await fromAddress.giveBack();
      const resetToken = generateResetToken();
      const expiresAt = new Date(now.getTime() + codeMinutes * MINUTE);
      // Single use: of two right answers racing, one gets a token.
      if (!(await store.accountCodes.markVerified(record.id, { tokenHash: hashResetToken(resetToken), expiresAt }, now))) {
        throw new AppError('code_expired');
      }
      return { resetToken, expiresInSeconds: codeMinutes * 60 };
    },

    /** For the "choose a new password" page: the account a reset token is for, or null when it cannot be used. */
    async describeReset(resetToken: string): Promise<{ email: string } | null> {
      const usable = await usableReset(resetToken, clock());
      return usable?.account ? { email: usable.account.email } : null;
    },

    /**
     * Spends the reset token on a new password. The policy is checked first (a weak password spends
     * nothing), then the token is spent atomically before argon2id runs (so one token buys one hash).
     */
    async complete(input: { resetToken: string; password: string }, meta: RequestMeta): Promise<void> {
      const now = clock();
      const usable = await usableReset(input.resetToken, now);
      if (!usable?.account) {
        await failed(usable ? 'link_ended' : 'invalid_token', usable?.record ?? null, meta);
        throw new AppError('reset_token_invalid');
      }
      const { record, account } = usable;
      try {
        newPassword.assertAllowed(account, input.password);
      } catch (error) {
        await failed('weak_password', record, meta);
        throw error;
      }
      if (!(await store.accountCodes.complete(record.id, now))) {
        await failed('invalid_token', record, meta);
        throw new AppError('reset_token_invalid');
      }
      await newPassword.apply(account, input.password, { kind: 'reset', actor: account.id, sessions: { end: 'all' }, verifiesEmail: record.via !== 'admin_link', data: { via: record.via } }, meta);
    },

    /**
     * An admin's recovery link (also how an admin lets someone set the password of an account made
     * for them): emailed to the account, or handed back once. It ends every older code and link.
     */
    async adminLink(accountId: string, options: { sendEmail?: boolean; expiresInHours?: number }, actor: string, meta: RequestMeta): Promise<{ url: string | null }> {
      const account = await store.accounts.findById(accountId);
      if (!account) throw notFound();
      // A reset never re-enables a disabled account: enable it first.
      if (account.disabled) throw conflict(t('recovery_account_disabled'));
      const hours = Math.min(options.expiresInHours ?? ADMIN_LINK_DEFAULT_HOURS, ADMIN_LINK_MAX_HOURS);
      const sendEmail = options.sendEmail !== false;
      const now = clock();
      const resetToken = generateResetToken();
      const expiresAt = new Date(now.getTime() + hours * HOUR);
      await store.accountCodes.create(
        {
          id: randomUUID(),
          purpose: 'recovery',
          emailKey: emailKeyOf(keys, account.email),
          accountId: account.id,
          newEmail: null,
          via: sendEmail ? 'admin_email' : 'admin_link',
          codeHash: null,
          attempts: 0,
          createdAt: now,
          expiresAt,
          supersededAt: null,
          verifiedAt: now,
          resetTokenHash: hashResetToken(resetToken),
          resetExpiresAt: expiresAt,
          completedAt: null,
          purgeAt: new Date(expiresAt.getTime() + KEEP_AFTER_MS),
        },
        now,
      );
      const url = `${config.issuer}/recovery/reset?token=${resetToken}`;
      if (sendEmail) await mail.enqueue({ template: 'recovery-link', to: account.email, link: url, expiresAt }, { purpose: 'recovery' });
      // `emailed` as well as `via`: a request from the console records via: console instead.
      await audit.record({ type: 'password.reset_requested', actor, accountId: account.id, data: { via: sendEmail ? 'admin_email' : 'admin_link', emailed: sendEmail, expires_in_hours: hours } }, meta);
      return { url: sendEmail ? null : url };
    },

    /** The background step's queue: started with the other workers; tests drain it by hand. */
    dispatch,
  };
}

export type RecoveryService = ReturnType<typeof createRecoveryService>;
