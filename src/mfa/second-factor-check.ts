// The second factor after a password, when it is a code: the authenticator app's or a backup code.
// Wrong codes count against the same lockout as wrong passwords, taken before the check.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import { takeSignInPlaces } from '../accounts/sign-in-service.ts';
import { accountAddressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import type { AccountRecord } from '../store/ports.ts';
import type { TotpService } from './totp-service.ts';
import type { BackupCodeService } from './backup-code-service.ts';

export interface SecondFactorCheckDeps {
  limiter: RateLimiter;
  audit: AuditRecorder;
  totp: TotpService;
  backupCodes: BackupCodeService;
}

export function createSecondFactorCheck({ limiter, audit, totp, backupCodes }: SecondFactorCheckDeps) {
  return {
    /**
     * Checks a code typed on the second-factor step: six digits are the authenticator app's, anything
     * else a backup code. Throws invalid_code (and counts the failure) when it is neither.
     */
    async verifyCode(account: AccountRecord, typed: string, meta: RequestMeta): Promise<'totp' | 'backup_code'> {
      const code = typed.trim().slice(0, 64);
      const subject = accountAddressSubject(account.email, meta);
      // The places are taken before anything is compared: a burst of guesses gets no more judgements than the lockout allows.
      const [forAccount, fromAddress] = await takeSignInPlaces(limiter, subject, meta);
      let method: 'totp' | 'backup_code' | null;
      try {
        if (/^\d{6}$/.test(code)) method = (await totp.check(account.id, code)) ? 'totp' : null;
        else method = (await backupCodes.use(account.id, code, meta)) ? 'backup_code' : null;
      } catch (error) {
        // Nothing was judged (the store failed): neither place counts.
        await Promise.allSettled([forAccount.giveBack(), fromAddress.giveBack()]);
        throw error;
      }
      if (!method) {
        await audit.record({ type: 'mfa.challenge_failed', actor: 'anonymous', accountId: account.id, reason: 'wrong_code', data: { method: /^\d{6}$/.test(code) ? 'totp' : 'backup_code' } }, meta);
        await forAccount.failed();
        await fromAddress.failed();
        throw new AppError('invalid_code');
      }
      // Both factors are right: the account's failures are forgotten, as a right password alone forgets them.
      await limiter.reset('login_failure', subject);
      await fromAddress.giveBack();
      return method;
    },

    /** A passkey was the second factor: the account's earlier failures are forgotten, as after a right code. */
    async passkeyPassed(account: AccountRecord, meta: RequestMeta): Promise<void> {
      await limiter.reset('login_failure', accountAddressSubject(account.email, meta));
    },
  };
}

export type SecondFactorCheck = ReturnType<typeof createSecondFactorCheck>;
