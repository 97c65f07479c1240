// What a signed-in member does to their own account: change the password (proving it is them), and
// move the account to another email address (proving the new address, within the admission rules).
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import { EmailTakenError, type AccountCodeRecord, type AccountRecord, type Store } from '../store/ports.ts';
import { AppError, badRequest, notFound, secondsUntil, tooManyRequests } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import { isWhitelisted } from '../invites/invite-policy.ts';
import { accountAddressSubject, addressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import { verifyPassword } from './passwords.ts';
import type { NewPassword } from './new-password.ts';
import { emailKeyOf, generateRecoveryCode, hashRecoveryCode, looksLikeRecoveryCode, recoveryCodeMatches, type RecoveryKeys } from '../security/recovery-codes.ts';

const MINUTE = 60_000;
/** A sign-in this recent stands in for typing the current password again. */
export const RECENT_SIGN_IN_MS = 10 * MINUTE;
export const MAX_WRONG_EMAIL_CODES = 5;

export interface SelfServiceDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  limiter: RateLimiter;
  mail: MailQueue;
  newPassword: NewPassword;
  keys: RecoveryKeys;
}

export interface PasswordChange {
  /** The current password; may be left out within RECENT_SIGN_IN_MS of signing in. */
  currentPassword?: string | null;
  newPassword: string;
  /** End every other session, grant and token ("sign out other devices"; on unless unticked). */
  signOutOthers: boolean;
  /** This browser's session and when it last signed in (from the provider's session cookie). */
  session: { sessionId: string; authenticatedAt: Date | null };
}


export function createSelfService({ store, config, clock, audit, limiter, mail, newPassword, keys }: SelfServiceDeps) {
  async function activeAccount(accountId: string): Promise<AccountRecord> {
    const account = await store.accounts.findById(accountId);
    if (!account || account.disabled) throw new AppError('account_signed_out');
    return account;
  }

  /** Proof it is the member: the current password (counted like a sign-in), or a sign-in within ten minutes. */
  async function reauthenticate(account: AccountRecord, change: PasswordChange, meta: RequestMeta): Promise<void> {
    if (!change.currentPassword) {
      const at = change.session.authenticatedAt;
      if (at && clock().getTime() - at.getTime() <= RECENT_SIGN_IN_MS) return;
      throw new AppError('reauthentication_required');
    }
    // The same lockout as the sign-in form: a stolen session cannot guess the password here instead.
    const subject = accountAddressSubject(account.email, meta);
    const attempt = await limiter.take('login_failure', subject, meta);
    if (account.passwordHash !== null && (await verifyPassword(account.passwordHash, change.currentPassword))) {
      await attempt.giveBack();
      return;
    }
    await attempt.failed();
    await audit.record({ type: 'login.failed', actor: account.id, accountId: account.id, reason: 'wrong_current_password' }, meta);
    throw new AppError('invalid_credentials', { message: t('current_password_wrong'), details: [{ path: 'current_password', message: t('current_password_wrong') }] });
  }

  /** Why the account may not move to `email` under the rules that admitted it; null when it may. */
  async function emailChangeRefusal(account: AccountRecord, email: string): Promise<string | null> {
    if (account.inviteId) {
      const invite = await store.invites.findById(account.inviteId);
      // An invitation bound to the address admitted the address: moving away needs an admin (or the policy).
      if (invite?.email && config.email_change_invited !== 'self') return t('email_change_needs_admin');
      return null;
    }
    // Admitted by the whitelist: only to another whitelisted address.
    if (config.enable_invite_only && !isWhitelisted(email, config.invitation_whitelist_emails)) return t('email_change_not_whitelisted');
    return null;
  }

  /** Moves the account and tells the old address; a taken address is 409 email_taken. Invitations are left as they are. */
  async function moveEmail(account: AccountRecord, email: string, verified: boolean, actor: string, meta: RequestMeta): Promise<AccountRecord> {
    let updated: AccountRecord | null;
    try {
      updated = await store.accounts.update(account.id, { email, emailVerified: verified });
    } catch (error) {
      if (error instanceof EmailTakenError) throw new AppError('email_taken');
      throw error;
    }
    if (!updated) throw notFound();
    const now = clock();
    // Codes and links sent to the old address stop working with it.
    await store.accountCodes.supersedeAccount(account.id, 'recovery', now);
    await mail.enqueue({ template: 'email-changed', to: account.email, newEmail: email, at: now }, { purpose: 'email_changed' });
    await audit.record({ type: 'email.changed', actor, accountId: account.id, data: { from_domain: emailDomain(account.email), to_domain: emailDomain(email), verified } }, meta);
    return updated;
  }

  return {
    async changePassword(accountId: string, change: PasswordChange, meta: RequestMeta): Promise<void> {
      const account = await activeAccount(accountId);
      // The policy first: a weak choice costs no password check and no lockout place.
      newPassword.assertAllowed(account, change.newPassword);
      await reauthenticate(account, change, meta);
      await newPassword.apply(
        account,
        change.newPassword,
        {
          kind: 'change',
          actor: account.id,
          verifiesEmail: false,
          sessions: change.signOutOthers ? { end: 'others', keepSessionId: change.session.sessionId } : { end: 'none' },
          data: { reauthenticated_by: change.currentPassword ? 'password' : 'recent_sign_in' },
        },
        meta,
      );
    },

    /** Whether the page should offer the email change at all, and if not, why. */
    async emailChangeOffer(accountId: string): Promise<{ allowed: boolean; reason: string | null }> {
      const account = await activeAccount(accountId);
      if (account.inviteId) {
        const refusal = await emailChangeRefusal(account, account.email);
        return { allowed: !refusal, reason: refusal };
      }
      return { allowed: true, reason: null };
    },

    /**
     * Sends a code to the new address; nothing changes until it comes back. The code is bound to the
     * browser that asked (the caller keeps the returned id in a cookie), and each address gets at
     * most the recovery limits' sends.
     */
    async requestEmailChange(accountId: string, emailInput: string, meta: RequestMeta): Promise<{ changeId: string; email: string }> {
      const account = await activeAccount(accountId);
      const email = normalizeEmail(emailInput);
      if (email === account.email) throw badRequest([{ path: 'email', message: t('email_change_same') }], t('email_change_same'));
      const refusal = await emailChangeRefusal(account, email);
      if (refusal) throw new AppError('email_change_refused', { message: refusal, details: [{ path: 'email', message: refusal }] });
      if (await store.accounts.findByEmail(email)) throw new AppError('email_taken', { details: [{ path: 'email', message: t('email_taken') }] });
      const emailKey = emailKeyOf(keys, email);
      await limiter.hit('recovery_email', emailKey, meta);
      await limiter.hit('recovery_email_daily', emailKey, meta);
      const now = clock();
      const id = randomUUID();
      const code = generateRecoveryCode();
      const expiresAt = new Date(now.getTime() + config.recovery_code_minutes * MINUTE);
      await store.accountCodes.create(
        {
          id,
          purpose: 'email_change',
          emailKey,
          accountId: account.id,
          newEmail: email,
          via: 'code',
          codeHash: hashRecoveryCode(keys, id, code),
          attempts: 0,
          createdAt: now,
          expiresAt,
          supersededAt: null,
          verifiedAt: null,
          resetTokenHash: null,
          resetExpiresAt: null,
          completedAt: null,
          purgeAt: new Date(expiresAt.getTime() + 24 * 60 * MINUTE),
        },
        now,
      );
      await mail.enqueue({ template: 'email-change-code', to: email, code, expiresInMinutes: config.recovery_code_minutes }, { purpose: 'email_change' });
      await audit.record({ type: 'email.change_requested', actor: account.id, accountId: account.id, data: { to_domain: emailDomain(email) } }, meta);
      return { changeId: id, email };
    },

    /** The pending change this browser holds, if it is still live (for the page). */
    async pendingEmailChange(accountId: string, changeId: string): Promise<{ email: string } | null> {
      const record = await store.accountCodes.findById(changeId);
      return record && isLiveChange(record, accountId, clock()) ? { email: record.newEmail! } : null;
    },

    async confirmEmailChange(accountId: string, changeId: string, codeInput: string, meta: RequestMeta): Promise<AccountRecord> {
      const account = await activeAccount(accountId);
      const fromAddress = await limiter.take('code_failure', addressSubject(meta), meta);
      const now = clock();
      const record = typeof changeId === 'string' && changeId.length <= 64 ? await store.accountCodes.findById(changeId) : null;
      if (!record || record.purpose !== 'email_change' || record.accountId !== account.id) {
        await fromAddress.giveBack();
        throw new AppError('code_expired');
      }
      if (record.attempts >= MAX_WRONG_EMAIL_CODES) {
        await fromAddress.giveBack();
        throw tooManyRequests(secondsUntil(record.expiresAt, now), 'recovery_locked');
      }
      if (!isLiveChange(record, account.id, now)) {
        await fromAddress.giveBack();
        throw new AppError('code_expired');
      }
      const attempt = await store.accountCodes.addAttempt(record.id);
      const code = codeInput.replace(/\s+/g, '');
      const right = attempt <= MAX_WRONG_EMAIL_CODES && record.codeHash !== null && looksLikeRecoveryCode(code) && recoveryCodeMatches(keys, record.id, code, record.codeHash);
      if (!right) {
        await fromAddress.failed();
        throw new AppError('invalid_code', { details: [{ path: 'code', remaining_attempts: Math.max(0, MAX_WRONG_EMAIL_CODES - attempt) }] });
      }
      await fromAddress.giveBack();
      // Single use: of two right answers racing, one moves the account.
      if (!(await store.accountCodes.markVerified(record.id, { tokenHash: null, expiresAt: null }, now))) throw new AppError('code_expired');
      // The rules are asked again: the configuration may have changed while the code travelled.
      const refusal = await emailChangeRefusal(account, record.newEmail!);
      if (refusal) throw new AppError('email_change_refused', { message: refusal });
      return moveEmail(account, record.newEmail!, true, account.id, meta);
    },

    /**
     * An admin moves an account (their consent is the rule's exception): the new address is not
     * proven by this, so it counts as unverified until a code or reset proves it.
     */
    async adminChangeEmail(accountId: string, emailInput: string, actor: string, meta: RequestMeta): Promise<AccountRecord> {
      const account = await store.accounts.findById(accountId);
      if (!account) throw notFound();
      const email = normalizeEmail(emailInput);
      if (email === account.email) return account;
      return moveEmail(account, email, false, actor, meta);
    },
  };
}

function isLiveChange(record: AccountCodeRecord, accountId: string, now: Date): boolean {
  return (
    record.purpose === 'email_change' &&
    record.accountId === accountId &&
    !record.supersededAt &&
    !record.verifiedAt &&
    !record.completedAt &&
    record.expiresAt.getTime() > now.getTime()
  );
}

export type SelfService = ReturnType<typeof createSelfService>;
