// Password sign-in: take the limits' places, verify, refuse disabled accounts, and record the outcome.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import type { AccountRecord, Store } from '../store/ports.ts';
import { burnVerification, verifyPassword } from './passwords.ts';
import { accountAddressSubject, addressSubject, type Attempt, type RateLimiter } from '../security/rate-limiter.ts';

/**
 * Both limits are taken before the slow check runs (argon2id, or a second factor's code), so a
 * parallel burst gets exactly the limit's judgements: per account and address (as in Keycloak, so
 * a guesser elsewhere cannot lock the owner out; unknown emails lock the same way, so a lockout
 * reveals nothing), and per address across accounts (so spraying one guess over many accounts
 * meets a limit too).
 */
export async function takeSignInPlaces(limiter: RateLimiter, subject: string, meta: RequestMeta): Promise<[Attempt, Attempt]> {
  const forAccount = await limiter.take('login_failure', subject, meta);
  try {
    return [forAccount, await limiter.take('address_login_failure', addressSubject(meta), meta)];
  } catch (error) {
    // Refused for the address: this attempt was never judged, so it costs the account nothing.
    await forAccount.giveBack();
    throw error;
  }
}

export interface SignInServiceDeps {
  store: Store;
  audit: AuditRecorder;
  limiter: RateLimiter;
  /**
   * True when the account's password must be followed by a second factor: then a right password
   * does not yet forget earlier failures (the second factor's wrong codes count against the same
   * lockout, and a known password must not reset it), and the sign-in is recorded once complete.
   */
  secondFactorDue?: (accountId: string) => Promise<boolean>;
}

export function createSignInService({ store, audit, limiter, secondFactorDue }: SignInServiceDeps) {
  return {
    async signIn(emailInput: string, password: string, meta: RequestMeta): Promise<AccountRecord & { secondFactorDue: boolean }> {
      const email = normalizeEmail(emailInput);
      const subject = accountAddressSubject(email, meta);
      const [forAccount, fromAddress] = await takeSignInPlaces(limiter, subject, meta);
      let account: AccountRecord | null;
      let right: boolean;
      try {
        account = await store.accounts.findByEmail(email);
        // Unknown emails, and accounts without a password (passkeys alone), cost the same hashing
        // time, so timing reveals nothing either.
        right = account?.passwordHash ? await verifyPassword(account.passwordHash, password) : (await burnVerification(password), false);
      } catch (error) {
        // Nothing was judged (the store or the hasher failed): neither place counts.
        await Promise.allSettled([forAccount.giveBack(), fromAddress.giveBack()]);
        throw error;
      }
      if (!account || !right) {
        await audit.record(
          account
            ? { type: 'login.failed', actor: 'anonymous', accountId: account.id, reason: 'wrong_password' }
            : { type: 'login.failed', actor: 'anonymous', reason: 'unknown_account', data: { email_domain: emailDomain(email) } },
          meta,
        );
        await forAccount.failed();
        await fromAddress.failed();
        throw new AppError('invalid_credentials');
      }
      // The right password: the address's place goes back, and the account's failures are forgotten
      // unless a second factor is still to come (it forgets them once it is right).
      const due = !account.disabled && secondFactorDue ? await secondFactorDue(account.id) : false;
      if (due) await forAccount.giveBack();
      else await limiter.reset('login_failure', subject);
      await fromAddress.giveBack();
      if (account.disabled) {
        await audit.record({ type: 'login.failed', actor: account.id, accountId: account.id, reason: 'account_disabled' }, meta);
        throw new AppError('account_disabled');
      }
      if (!due) await audit.record({ type: 'login.succeeded', actor: account.id, accountId: account.id }, meta);
      return { ...account, secondFactorDue: due };
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
