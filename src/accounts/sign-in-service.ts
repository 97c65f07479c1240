// Password sign-in: take the limits' places, verify, refuse disabled accounts, and record the outcome.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import { normalizeEmail } from '../email-address.ts';
import type { AccountRecord, Store } from '../store/ports.ts';
import { burnVerification, verifyPassword } from './passwords.ts';
import { accountAddressSubject, addressSubject, type Attempt, type RateLimiter } from '../security/rate-limiter.ts';

export function createSignInService({ store, audit, limiter }: { store: Store; audit: AuditRecorder; limiter: RateLimiter }) {
  /**
   * Both limits are taken before argon2id runs, so a parallel burst gets exactly the limit's
   * judgements: per account and address (as in Keycloak, so a guesser elsewhere cannot lock the
   * owner out; unknown emails lock the same way, so a lockout reveals nothing), and per address
   * across accounts (so spraying one password over many accounts meets a limit too).
   */
  async function takePlaces(subject: string, meta: RequestMeta): Promise<[Attempt, Attempt]> {
    const forAccount = await limiter.take('login_failure', subject, meta);
    try {
      return [forAccount, await limiter.take('address_login_failure', addressSubject(meta), meta)];
    } catch (error) {
      // Refused for the address: this attempt was never judged, so it costs the account nothing.
      await forAccount.giveBack();
      throw error;
    }
  }

  return {
    async signIn(emailInput: string, password: string, meta: RequestMeta): Promise<AccountRecord> {
      const email = normalizeEmail(emailInput);
      const subject = accountAddressSubject(email, meta);
      const [forAccount, fromAddress] = await takePlaces(subject, meta);
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
            : { type: 'login.failed', actor: 'anonymous', reason: 'unknown_account', data: { email_domain: email.split('@').pop() ?? null } },
          meta,
        );
        await forAccount.failed();
        await fromAddress.failed();
        throw new AppError('invalid_credentials');
      }
      // The right password: the account's failures are forgotten, and the address's place goes back.
      await limiter.reset('login_failure', subject);
      await fromAddress.giveBack();
      if (account.disabled) {
        await audit.record({ type: 'login.failed', actor: account.id, accountId: account.id, reason: 'account_disabled' }, meta);
        throw new AppError('account_disabled');
      }
      await audit.record({ type: 'login.succeeded', actor: account.id, accountId: account.id }, meta);
      return account;
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
