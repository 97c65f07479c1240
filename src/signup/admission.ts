// The admission rules: who may join, and on what terms. The decision itself is a pure function
// (invitation, whitelist, the invite-only switch, an existing account); the gate around it counts
// the attempt, checks the token and records every refusal.
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { InviteRecord } from '../store/ports.ts';
import type { InviteInspection, InviteService } from '../invites/invite-service.ts';
import { emailMatchesInvite, isWhitelisted } from '../invites/invite-policy.ts';
import type { MemberAccounts } from '../accounts/member-accounts.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import { addressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import type { SignupMode } from '../upstream-provider-config.ts';

/** Who may join, and on what terms. */
export interface Admission {
  email: string;
  invite: InviteRecord | null;
  /** True when an invitation bound to this very address vouches for it. */
  emailVerified: boolean;
  roles: string[];
  /**
   * Pre-account squatting: someone registered this address without proving it, and its owner
   * brings an invitation bound to it. They take that account over once a code proves the address.
   */
  takeoverOf?: string;
}

export type AdmissionRefusal = 'invalid_invite' | 'email_mismatch' | 'invite_required' | 'email_taken';

export type AdmissionDecision = { admitted: Admission } | { refused: AdmissionRefusal; invite: InviteRecord | null };

export interface AdmissionFacts {
  /** The normalised email the person gave. */
  email: string;
  /** What the presented invitation token stands for; undefined when none was presented. */
  inspection?: InviteInspection;
  /** Whether an account already has this email. */
  emailTaken: boolean;
  /** The id of that account when its email was never proven (an open invite, the whitelist, no code). */
  takenUnproven?: string | null;
}

/** The rules alone, with nothing to look up: the same facts always give the same answer. */
export function decideAdmission({ email, inspection, emailTaken, takenUnproven }: AdmissionFacts, config: Pick<Config, 'enable_invite_only' | 'invitation_whitelist_emails'>): AdmissionDecision {
  let invite: InviteRecord | null = null;
  if (inspection) {
    if (inspection.state !== 'valid') return { refused: 'invalid_invite', invite: inspection.state === 'unknown' ? null : inspection.invite };
    invite = inspection.invite;
    if (!emailMatchesInvite(invite, email)) return { refused: 'email_mismatch', invite };
  } else if (config.enable_invite_only && !isWhitelisted(email, config.invitation_whitelist_emails)) {
    return { refused: 'invite_required', invite: null };
  }
  if (emailTaken) {
    // Only an invitation bound to this very address, and only over an account that never proved it.
    if (invite && invite.email === email && takenUnproven) return { admitted: { email, invite, emailVerified: true, roles: invite.roles, takeoverOf: takenUnproven } };
    return { refused: 'email_taken', invite };
  }
  return { admitted: { email, invite, emailVerified: invite !== null && invite.email === email, roles: invite?.roles ?? [] } };
}

/** Why a sign-up through an upstream provider is refused (also the `federation.rejected` reason). */
export type UpstreamRefusal = 'not_linked' | 'email_unverified' | 'domain_not_allowed' | 'no_invitation';

export type UpstreamAdmissionDecision = AdmissionDecision | { refused: UpstreamRefusal; invite: InviteRecord | null };

export interface UpstreamAdmissionFacts extends Omit<AdmissionFacts, 'email'> {
  /** The upstream's email, normalised; null when it gave none. */
  email: string | null;
  /** True only when the upstream said `email_verified: true` for exactly this email. */
  emailVerified: boolean;
  /** False when the provider's domain rules (allowed_domains, Google `hd`, the Entra tenant) refuse the account. */
  domainAllowed: boolean;
  signup: SignupMode;
  /** The provider's allowed_domains: under `whitelist` they admit like the whitelist does. */
  allowedDomains: string[];
}

/**
 * The same rules for a sign-up through an upstream account, after what only an upstream can fail:
 * the provider must allow sign-up, vouch for the email and pass its domain rules; then an
 * invitation decides as for a password sign-up (bound email included), or, without one, the
 * provider's `signup` mode: `invite_required` refuses, `whitelist` admits the configured whitelist
 * and the provider's allowed domains, `open` admits any verified email.
 */
export function decideUpstreamAdmission(facts: UpstreamAdmissionFacts, config: Pick<Config, 'invitation_whitelist_emails'>): UpstreamAdmissionDecision {
  const invite = facts.inspection && facts.inspection.state !== 'unknown' ? facts.inspection.invite : null;
  if (facts.signup === 'link_only') return { refused: 'not_linked', invite };
  if (!facts.email || !facts.emailVerified) return { refused: 'email_unverified', invite };
  if (!facts.domainAllowed) return { refused: 'domain_not_allowed', invite };
  if (!facts.inspection) {
    const domain = emailDomain(facts.email);
    if (facts.signup === 'invite_required') return { refused: 'no_invitation', invite: null };
    if (facts.signup === 'whitelist' && !isWhitelisted(facts.email, config.invitation_whitelist_emails) && !facts.allowedDomains.includes(domain)) return { refused: 'no_invitation', invite: null };
  }
  // The password rules from here on: the invitation (valid, bound to this email), then the email free.
  const decided = decideAdmission({ email: facts.email, inspection: facts.inspection, emailTaken: facts.emailTaken }, { enable_invite_only: false, invitation_whitelist_emails: [] });
  // The upstream vouched for this email: the account starts with it verified.
  return 'admitted' in decided ? { admitted: { ...decided.admitted, emailVerified: true } } : decided;
}

/** How an admitted sign-up came in, for the audit trail. */
export const admissionVia = (admission: Admission, config: Pick<Config, 'enable_invite_only'>) => (admission.invite ? 'invite' : config.enable_invite_only ? 'whitelist' : 'open');

export interface AdmissionGateDeps {
  config: Config;
  audit: AuditRecorder;
  invites: InviteService;
  accounts: MemberAccounts;
  /** Limits sign-up attempts (and, through the invite service, bad tokens) per address. */
  limiter: RateLimiter;
  /** The sentence of "an invitation is required" (with the waitlist on, it says where to ask); default: the code's own. */
  inviteRequiredMessage?: string;
}

export function createAdmissionGate({ config, audit, invites, accounts, limiter, inviteRequiredMessage }: AdmissionGateDeps) {
  return {
    /** Checks every rule without changing anything; throws the contract's error when refused. */
    async admit(input: { email: string; inviteToken?: string | null }, meta: RequestMeta): Promise<Admission> {
      await limiter.hit('registration', addressSubject(meta), meta);
      const email = normalizeEmail(input.email);
      const inspection = input.inviteToken ? await invites.check(input.inviteToken, meta) : undefined;
      const holder = await accounts.emailHolder(email);
      const decision = decideAdmission({ email, inspection, emailTaken: holder !== null, takenUnproven: holder && !holder.emailVerified ? holder.id : null }, config);
      if ('refused' in decision) {
        // With the waitlist on, "an invitation is required" says where to ask for one.
        const message = decision.refused === 'invite_required' ? inviteRequiredMessage : undefined;
        return this.refuse(decision.refused, email, decision.invite, meta, message);
      }
      return decision.admitted;
    },

    /**
     * The gate for a sign-up through an upstream account: counted like every sign-up attempt, the
     * invitation checked through the same limiter, and every refusal audited, `federation.rejected` too.
     */
    async admitUpstream(
      input: { providerId: string; signup: SignupMode; allowedDomains: string[]; email: string | null; emailVerified: boolean; domainAllowed: boolean; inviteToken?: string | null },
      meta: RequestMeta,
    ): Promise<Admission> {
      await limiter.hit('registration', addressSubject(meta), meta);
      const email = input.email ? normalizeEmail(input.email) : null;
      const inspection = input.inviteToken ? await invites.check(input.inviteToken, meta) : undefined;
      const emailTaken = email ? await accounts.emailHasAccount(email) : false;
      const decision = decideUpstreamAdmission({ ...input, email, inspection, emailTaken }, config);
      if ('admitted' in decision) return decision.admitted;
      await audit.record({ type: 'federation.rejected', actor: 'anonymous', inviteId: decision.invite?.id ?? null, reason: decision.refused, data: { provider: input.providerId, email_domain: email ? emailDomain(email) : null } }, meta);
      return this.refuse(decision.refused, email ?? '', decision.invite, meta);
    },

    /**
     * A hosted sign-up form refused before admission (`fields` did not validate): audited like any
     * other attempt. Only the field names are kept; what was typed may be a misplaced password.
     */
    async recordRefusedForm(fields: string[], inviteId: string | null, meta: RequestMeta): Promise<void> {
      await audit.record({ type: 'registration.failed', actor: 'anonymous', inviteId, reason: 'invalid_request', data: { fields } }, meta);
    },

    /** Records a refused sign-up (and the failed redemption of its invitation), then throws it. */
    async refuse(code: AdmissionRefusal | UpstreamRefusal, email: string, invite: InviteRecord | null, meta: RequestMeta, message?: string): Promise<never> {
      if (invite) await audit.record({ type: 'invite.redeem_failed', actor: 'anonymous', inviteId: invite.id, reason: code }, meta);
      await audit.record({ type: 'registration.failed', actor: 'anonymous', inviteId: invite?.id ?? null, reason: code, data: { email_domain: email ? emailDomain(email) : null } }, meta);
      throw new AppError(code, { message });
    },
  };
}

export type AdmissionGate = ReturnType<typeof createAdmissionGate>;
