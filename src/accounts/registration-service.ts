// Sign-up: decide whether an email may join (invitation, whitelist, invite-only switch), then
// create the account, spending the invitation's use in the same atomic step.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { EmailTakenError, type AccountRecord, type InviteRecord, type Store } from '../store/ports.ts';
import type { InviteService } from '../invites/invite-service.ts';
import { emailMatchesInvite, isWhitelisted } from '../invites/invite-policy.ts';
import { normalizeEmail } from '../email-address.ts';
import { hashPassword } from './passwords.ts';
import { addressSubject, type RateLimiter } from '../security/rate-limiter.ts';

export interface RegistrationInput {
  email: string;
  password: string;
  inviteToken?: string | null;
  phoneNumber?: string | null;
}

/** The outcome of admission: who may join, and on what terms. */
export interface Admission {
  email: string;
  invite: InviteRecord | null;
  /** True when an invitation bound to this very address vouches for it. */
  emailVerified: boolean;
  roles: string[];
}

export interface RegistrationServiceDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  invites: InviteService;
  /** Limits sign-up attempts (and, through the invite service, bad tokens) per address. */
  limiter: RateLimiter;
}

export function createRegistrationService({ store, config, clock, audit, invites, limiter }: RegistrationServiceDeps) {
  async function fail(code: string, input: { email: string }, invite: InviteRecord | null, meta: RequestMeta, status: number): Promise<never> {
    if (invite) await audit.record({ type: 'invite.redeem_failed', actor: 'anonymous', inviteId: invite.id, reason: code }, meta);
    await audit.record({ type: 'registration.failed', actor: 'anonymous', inviteId: invite?.id ?? null, reason: code, data: { email_domain: input.email.split('@').pop() ?? null } }, meta);
    throw new AppError(status, code);
  }

  return {
    /** Checks every rule without changing anything; throws the contract's error when refused. */
    async admit(input: RegistrationInput, meta: RequestMeta): Promise<Admission> {
      await limiter.hit('registration', addressSubject(meta), meta);
      const email = normalizeEmail(input.email);
      let invite: InviteRecord | null = null;
      if (input.inviteToken) {
        const inspection = await invites.check(input.inviteToken, meta);
        if (inspection.state !== 'valid') {
          return fail('invalid_invite', { email }, inspection.state === 'unknown' ? null : inspection.invite, meta, 403);
        }
        invite = inspection.invite;
        if (!emailMatchesInvite(invite, email)) return fail('email_mismatch', { email }, invite, meta, 403);
      } else if (config.enable_invite_only && !isWhitelisted(email, config.invitation_whitelist_emails)) {
        return fail('invite_required', { email }, null, meta, 403);
      }
      if (await store.accounts.findByEmail(email)) return fail('email_taken', { email }, invite, meta, 409);
      return { email, invite, emailVerified: invite?.email === email, roles: invite?.roles ?? [] };
    },

    /**
     * A hosted sign-up form refused before admission (`fields` did not validate): audited like any
     * other attempt. Only the field names are kept; what was typed may be a misplaced password.
     */
    async recordRefusedForm(fields: string[], invite: InviteRecord | null, meta: RequestMeta): Promise<void> {
      await audit.record({ type: 'registration.failed', actor: 'anonymous', inviteId: invite?.id ?? null, reason: 'invalid_request', data: { fields } }, meta);
    },

    /**
     * Creates the account of an admitted sign-up. With an invitation, the use is claimed in the
     * same transaction, so a race lost since admission is refused cleanly and nothing is half done.
     */
    async createAccount(
      admission: Admission,
      credentials: { passwordHash: string; phoneNumber?: string | null; phoneNumberVerified?: boolean; emailVerified?: boolean },
      meta: RequestMeta,
    ): Promise<AccountRecord> {
      const now = clock();
      const account = {
        id: randomUUID(),
        email: admission.email,
        emailVerified: admission.emailVerified || (credentials.emailVerified ?? false),
        passwordHash: credentials.passwordHash,
        phoneNumber: credentials.phoneNumber ?? null,
        phoneNumberVerified: credentials.phoneNumberVerified ?? false,
        roles: admission.roles,
        inviteId: admission.invite?.id ?? null,
        invitedBy: admission.invite?.createdBy ?? null,
        createdAt: now,
        disabled: false,
        inviteQuota: null,
      };
      let created: AccountRecord;
      if (admission.invite) {
        const outcome = await store.accounts.createRedeemingInvite(account, admission.invite.id, { ip: meta.ip }, now);
        if (!outcome.ok) {
          return fail(outcome.reason === 'email_taken' ? 'email_taken' : 'invalid_invite', admission, admission.invite, meta, outcome.reason === 'email_taken' ? 409 : 403);
        }
        created = outcome.account;
        await audit.record({ type: 'invite.redeemed', actor: created.id, inviteId: admission.invite.id, accountId: created.id }, meta);
      } else {
        try {
          created = await store.accounts.create(account);
        } catch (error) {
          if (error instanceof EmailTakenError) return fail('email_taken', admission, null, meta, 409);
          throw error;
        }
      }
      await audit.record(
        { type: 'registration.succeeded', actor: created.id, inviteId: created.inviteId, accountId: created.id, data: { via: admission.invite ? 'invite' : config.enable_invite_only ? 'whitelist' : 'open' } },
        meta,
      );
      return created;
    },

    /** Admit and create in one go (no extra verification step). */
    async register(input: RegistrationInput, meta: RequestMeta): Promise<AccountRecord> {
      const admission = await this.admit(input, meta);
      return this.createAccount(admission, { passwordHash: await hashPassword(input.password), phoneNumber: input.phoneNumber ?? null }, meta);
    },
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;
