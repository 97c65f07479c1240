// Password sign-in: verify, refuse disabled accounts, and record the outcome.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import { normalizeEmail } from '../email-address.ts';
import type { AccountRecord, Store } from '../store/ports.ts';
import { burnVerification, verifyPassword } from './passwords.ts';
import { accountAddressSubject, type RateLimiter } from '../security/rate-limiter.ts';

export function createSignInService({ store, audit, limiter }: { store: Store; audit: AuditRecorder; limiter: RateLimiter }) {
  return {
    async signIn(emailInput: string, password: string, meta: RequestMeta): Promise<AccountRecord> {
      const email = normalizeEmail(emailInput);
      // Lockouts are per account and address (as in Keycloak), so a guesser elsewhere cannot lock
      // the owner out; unknown emails lock the same way, so a lockout reveals nothing.
      const subject = accountAddressSubject(email, meta);
      await limiter.check('login_failure', subject);
      const account = await store.accounts.findByEmail(email);
      if (!account) {
        await burnVerification(password);
        await audit.record({ type: 'login.failed', actor: 'anonymous', reason: 'unknown_account', data: { email_domain: email.split('@').pop() ?? null } }, meta);
        await limiter.fail('login_failure', subject, meta);
        throw new AppError(401, 'invalid_credentials');
      }
      if (!(await verifyPassword(account.passwordHash, password))) {
        await audit.record({ type: 'login.failed', actor: 'anonymous', accountId: account.id, reason: 'wrong_password' }, meta);
        await limiter.fail('login_failure', subject, meta);
        throw new AppError(401, 'invalid_credentials');
      }
      await limiter.reset('login_failure', subject);
      if (account.disabled) {
        await audit.record({ type: 'login.failed', actor: account.id, accountId: account.id, reason: 'account_disabled' }, meta);
        throw new AppError(403, 'account_disabled');
      }
      await audit.record({ type: 'login.succeeded', actor: account.id, accountId: account.id }, meta);
      return account;
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
