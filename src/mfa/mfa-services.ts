// Every second-factor service, wired together: policy standing, authenticator apps, backup codes,
// passkeys (and passkey sign-ups), the code check after a password, and the administrator's reset.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { Authentication } from './authentication-methods.ts';
import type { Config } from '../config.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { Secrets } from '../secrets/secrets.ts';
import type { RateLimiter } from '../security/rate-limiter.ts';
import type { SignUpService } from '../signup/signup-service.ts';
import type { Store } from '../store/ports.ts';
import { createBackupCodeService } from './backup-code-service.ts';
import { createFactorManagement } from './factor-management.ts';
import { createMfaAdmin } from './mfa-admin.ts';
import type { MfaStatus } from './mfa-status.ts';
import { createPasskeyService } from './passkey-service.ts';
import { createPasskeySignUp } from './passkey-sign-up.ts';
import { createSecondFactorCheck } from './second-factor-check.ts';
import { createTotpService } from './totp-service.ts';
import { relyingPartyOf } from './webauthn.ts';

export interface MfaServiceDeps {
  store: Store;
  config: Config;
  secrets: Secrets;
  clock: () => Date;
  audit: AuditRecorder;
  limiter: RateLimiter;
  mail: MailQueue;
  signUp: SignUpService;
  status: MfaStatus;
}

export function createMfaServices({ store, config, secrets, clock, audit, limiter, mail, signUp, status }: MfaServiceDeps) {
  const totp = createTotpService({ store, clock, audit, cookieKeys: secrets.cookieKeys, productName: config.product_name });
  const backupCodes = createBackupCodeService({ store, clock, audit });
  const passkeys = createPasskeyService({ store, clock, audit, rp: relyingPartyOf(config.issuer, config.product_name) });
  return {
    status,
    totp,
    backupCodes,
    passkeys,
    passkeySignUp: createPasskeySignUp({ signUp, passkeys }),
    check: createSecondFactorCheck({ limiter, audit, totp, backupCodes }),
    factors: createFactorManagement({ status, passkeys, totp, backupCodes, clock }),
    admin: createMfaAdmin({ store, audit, mail }),
    /** A sign-in completed with a second factor or a passkey, and how (the password-only ones are recorded by the sign-in service). */
    async recordSignIn(accountId: string, authentication: Authentication, meta: RequestMeta): Promise<void> {
      await audit.record({ type: 'login.succeeded', actor: accountId, accountId, data: { amr: authentication.amr, acr: authentication.acr } }, meta);
    },
  };
}

export type MfaServices = ReturnType<typeof createMfaServices>;
