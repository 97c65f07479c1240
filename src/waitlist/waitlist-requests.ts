// Asking for an invitation, and confirming the address (double opt-in). A request answers the same
// whoever asks: new, queued, invited or a member, the same work is done and the same mail goes out;
// what the address stands for is told only to whoever proves it, by the link or the code.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError, notFound } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';
import { generateInviteToken as generateLinkToken, hashInviteToken as hashLinkToken, looksLikeInviteToken as looksLikeLinkToken } from '../invites/invite-token.ts';
import { codeMatches, generateCode, hashCode, type CodeKeys } from '../signup/verification-codes.ts';
import { addressSubject, emailSubject, type RateLimiter } from '../security/rate-limiter.ts';
import type { Store, WaitlistEntry } from '../store/ports.ts';
import type { WaitlistMailer } from '../mail/waitlist-mailer.ts';
import type { DomainRules } from './email-domain-rules.ts';
import { AUTO_APPROVER, type WaitlistReview } from './waitlist-review.ts';
import { confirmationUrl } from './waitlist-links.ts';

/** How long the link and the code of a request work; then the request is dropped. */
export const CONFIRMATION_TTL_HOURS = 48;
/** Wrong codes before a request stops taking codes (its link still works). */
export const MAX_WRONG_CODES = 5;
const HOUR = 3_600_000;

export interface WaitlistRequestInput {
  email: string;
  name?: string | null;
  reason?: string | null;
  ref?: string | null;
  /** The form's hidden field: people leave it empty, form-filling bots do not. */
  honeypot?: string | null;
}

export type ConfirmationProof = { token: string } | { requestId: string; code: string };

/** What the person who proved the address is told. */
export type ConfirmationOutcome =
  | { status: 'queued'; ahead: number | null }
  | { status: 'invited' }
  | { status: 'already_requested'; ahead: number | null }
  | { status: 'already_invited' }
  | { status: 'already_member' };

export interface WaitlistRequestsDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  limiter: RateLimiter;
  mailer: WaitlistMailer;
  rules: DomainRules;
  review: WaitlistReview;
  /** HMAC keys for the confirmation codes (as for sign-up codes). */
  codeKey: CodeKeys;
}

export function createWaitlistRequests({ store, config, clock, audit, limiter, mailer, rules, review, codeKey }: WaitlistRequestsDeps) {
  const gone = () => notFound(t('waitlist_link_invalid'));

  function assertOpen(): void {
    // Switched off, the waitlist is not there at all.
    if (!config.enable_waitlist) throw notFound();
  }

  const showAhead = async (entry: WaitlistEntry) => (config.waitlist_show_position ? review.ahead(entry) : null);

  async function hasPendingInvitation(email: string): Promise<boolean> {
    return (await store.invites.list({ status: 'pending', email }, { limit: 1 }, clock())).items.length > 0;
  }

  async function confirmed(entryId: string, request: WaitlistEntry, outcome: ConfirmationOutcome, via: 'link' | 'code', meta: RequestMeta): Promise<ConfirmationOutcome> {
    await audit.record(
      { type: 'waitlist.confirmed', actor: 'anonymous', reason: outcome.status === 'queued' || outcome.status === 'invited' ? null : outcome.status, data: { waitlist_entry_id: entryId, email_domain: request.domain, via } },
      meta,
    );
    return outcome;
  }

  /** The address is proven: say what it stands for, and queue the request only if it is new. */
  async function settle(request: WaitlistEntry, via: 'link' | 'code', meta: RequestMeta): Promise<ConfirmationOutcome> {
    // Already in, or already invited: nothing to queue. The request is used up either way.
    const standing = (await store.accounts.findByEmail(request.email)) ? 'already_member' : (await hasPendingInvitation(request.email)) ? 'already_invited' : null;
    if (standing) {
      if (!(await store.waitlist.discard(request.id))) throw gone();
      return confirmed(request.id, request, { status: standing }, via, meta);
    }
    const result = await store.waitlist.confirm(request.id, clock());
    if (!result.ok && result.reason === 'gone') throw gone();
    if (!result.ok) {
      await store.waitlist.discard(request.id);
      const existing = result.entry;
      const outcome: ConfirmationOutcome = existing.status === 'approved' ? { status: 'already_invited' } : { status: 'already_requested', ahead: await showAhead(existing) };
      return confirmed(existing.id, request, outcome, via, meta);
    }
    const entry = result.entry;
    await confirmed(entry.id, request, { status: 'queued', ahead: null }, via, meta);
    if (rules.autoApproves(entry.domain)) {
      try {
        await review.approve(entry.id, {}, AUTO_APPROVER, meta);
        return { status: 'invited' };
      } catch (error) {
        // An admin decided it in the meantime: it stays as they left it.
        if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
      }
    }
    return { status: 'queued', ahead: await showAhead(entry) };
  }

  /** The request a code is tried against, judged under the address's wrong-code limit. */
  async function provenByCode(requestId: string, code: string, meta: RequestMeta): Promise<WaitlistEntry> {
    // The place is taken before anything is compared, so a parallel burst gets no more judgements than the limit.
    const attempt = await limiter.take('code_failure', addressSubject(meta), meta);
    const now = clock();
    const request = requestId.length <= 64 ? await store.waitlist.findById(requestId) : null;
    const live = request && request.status === 'unconfirmed' && request.expiresAt !== null && request.expiresAt.getTime() > now.getTime() && request.codeHash !== null;
    if (!live) {
      await attempt.giveBack();
      throw gone();
    }
    const locked = () => new AppError('verification_locked', { message: t('waitlist_code_locked'), headers: { 'Retry-After': String(Math.ceil((request.expiresAt!.getTime() - now.getTime()) / 1000)) } });
    if (request.attempts >= MAX_WRONG_CODES) {
      await attempt.giveBack();
      throw locked();
    }
    // Counted before the comparison (one atomic increment): concurrent guesses cannot pass the limit.
    const tries = await store.waitlist.addAttempt(request.id);
    if (tries > MAX_WRONG_CODES) {
      await attempt.giveBack();
      throw locked();
    }
    if (!codeMatches(codeKey, request.id, 'email', code.trim(), request.codeHash!)) {
      await attempt.failed();
      throw new AppError('invalid_code', { details: [{ remaining_attempts: MAX_WRONG_CODES - tries }] });
    }
    await attempt.giveBack();
    return request;
  }

  return {
    /**
     * Records a request and mails its confirmation. Whatever the address stands for, the answer and
     * the work are the same; a blocked domain is refused (that says nothing about anyone).
     */
    async request(input: WaitlistRequestInput, meta: RequestMeta): Promise<{ requestId: string }> {
      assertOpen();
      // Counted before anything else: bots that fill the honeypot count too.
      await limiter.hit('waitlist_request', addressSubject(meta), meta);
      const email = normalizeEmail(input.email);
      const domain = emailDomain(email);
      const requestId = randomUUID();
      if (input.honeypot) {
        // The same answer as everyone, so a bot learns nothing; only the audit log knows.
        await audit.record({ type: 'waitlist.requested', actor: 'anonymous', reason: 'honeypot', data: { email_domain: domain } }, meta);
        return { requestId };
      }
      if (rules.isBlocked(domain)) throw new AppError('email_domain_blocked', { details: [{ path: 'email', message: 'uses a domain that cannot join the waitlist' }] });
      // Per email, before the mail is queued: nobody can bury someone else's inbox in confirmations.
      await limiter.hit('waitlist_email', emailSubject(email), meta);
      const token = generateLinkToken();
      const code = generateCode();
      const now = clock();
      await store.waitlist.create({
        id: requestId,
        email,
        domain,
        name: input.name?.trim() || null,
        reason: input.reason?.trim() || null,
        ref: input.ref?.trim() || null,
        tokenHash: hashLinkToken(token),
        codeHash: hashCode(codeKey, requestId, 'email', code),
        requestedAt: now,
        expiresAt: new Date(now.getTime() + CONFIRMATION_TTL_HOURS * HOUR),
      });
      await mailer.sendConfirmation(email, { link: confirmationUrl(config.issuer, token), code }, CONFIRMATION_TTL_HOURS);
      await audit.record({ type: 'waitlist.requested', actor: 'anonymous', data: { waitlist_entry_id: requestId, email_domain: domain, ref: input.ref?.trim() || null } }, meta);
      return { requestId };
    },

    /** The link's token or the code: the first proof of the address queues the request (or says why not). */
    async confirm(proof: ConfirmationProof, meta: RequestMeta): Promise<ConfirmationOutcome> {
      assertOpen();
      if ('token' in proof) {
        const request = looksLikeLinkToken(proof.token) ? await store.waitlist.findUnconfirmedByTokenHash(hashLinkToken(proof.token), clock()) : null;
        if (!request) throw gone();
        return settle(request, 'link', meta);
      }
      return settle(await provenByCode(proof.requestId, proof.code, meta), 'code', meta);
    },

    /** Whether the hosted pages and the API are there at all. */
    isOpen: () => config.enable_waitlist,
  };
}

export type WaitlistRequests = ReturnType<typeof createWaitlistRequests>;
