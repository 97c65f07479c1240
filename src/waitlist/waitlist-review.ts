// The admins' side of the waitlist: the queue, approval (which is an invitation, made by the invite
// service like any other) and denial, one at a time or up to 1,000 at once. Knows nothing of HTTP.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import type { Actor, InviteService } from '../invites/invite-service.ts';
import type { WaitlistMailer } from '../mail/waitlist-mailer.ts';
import type { InviteRecord, Page, PageRequest, Store, WaitlistEntry, WaitlistFilter, WaitlistStatus } from '../store/ports.ts';

/** Who approves by rule (waitlist_auto_approve_domains): the invitation's creator, and so the account's invited_by. */
export const AUTO_APPROVER: Actor = { id: 'system', kind: 'admin' };

export interface ApprovalInput {
  roles?: string[];
  clientId?: string | null;
  expiresInDays?: number;
  /** False: the invitation is made but not emailed (the link is in the answer). */
  sendEmail?: boolean;
}

export interface DenialInput {
  /** Kept with the entry for the admins; never sent to the person. */
  reason?: string | null;
  /** Email the person that the answer is no. */
  notify?: boolean;
}

export interface Approval {
  entry: WaitlistEntry;
  invite: InviteRecord;
  /** The invitation's token: handed out here and never again. */
  token: string;
}

/** One row of a bulk action: its outcome, or the refusal that applies to it alone. */
export type BulkOutcome<T> = { id: string; result: T } | { id: string; error: AppError };

export interface WaitlistReviewDeps {
  store: Store;
  clock: () => Date;
  audit: AuditRecorder;
  invites: InviteService;
  mailer: WaitlistMailer;
}

const emailDomain = (entry: WaitlistEntry) => entry.domain;

export function createWaitlistReview({ store, clock, audit, invites, mailer }: WaitlistReviewDeps) {
  /** A queued entry (unconfirmed requests are nobody's business but their sender's). */
  async function findQueued(id: string): Promise<WaitlistEntry> {
    const entry = id.length <= 64 ? await store.waitlist.findById(id) : null;
    if (!entry || entry.seq === null) throw notFound();
    return entry;
  }

  const notPending = (entry: WaitlistEntry) => conflict(`Only a pending request can be decided; this one is ${entry.status}.`);

  /** After a refused conditional update: gone since, or decided by someone else meanwhile. */
  async function refusalAfterRace(id: string): Promise<AppError> {
    const latest = await store.waitlist.findById(id);
    return latest && latest.seq !== null ? notPending(latest) : notFound();
  }

  /** `mails`: where a bulk approval gathers its emails, to queue them in one write; absent, each goes at once. */
  async function approve(id: string, input: ApprovalInput, actor: Actor, meta: RequestMeta, mails?: Approval[]): Promise<Approval> {
    const entry = await findQueued(id);
    if (entry.status !== 'pending') throw notPending(entry);
    // The invitation first, then the entry's conditional move to approved: a crash between them
    // leaves an unsent invitation and a request still pending (approve again), never an approved
    // request without its invitation. A lost race withdraws the invitation just made.
    const { invite, token } = await invites.create(
      { email: entry.email, roles: input.roles, clientId: input.clientId ?? null, expiresInDays: input.expiresInDays, metadata: { waitlist_entry_id: entry.id }, sendEmail: false },
      actor,
      meta,
    );
    const approved = await store.waitlist.decide(id, { status: 'approved', at: clock(), by: actor.id, inviteId: invite.id });
    if (!approved) {
      await invites.revoke(invite.id, actor, meta);
      throw await refusalAfterRace(id);
    }
    await audit.record(
      { type: 'waitlist.approved', actor: actor.id, inviteId: invite.id, data: { waitlist_entry_id: entry.id, email_domain: emailDomain(entry), auto: actor.id === AUTO_APPROVER.id } },
      meta,
    );
    const approval = { entry: approved, invite, token };
    if (input.sendEmail !== false) {
      if (mails) mails.push(approval);
      else await mailer.sendInvitation(approved, invite, token, actor);
    }
    return approval;
  }

  async function deny(id: string, input: DenialInput, actor: Actor, meta: RequestMeta): Promise<WaitlistEntry> {
    const entry = await findQueued(id);
    if (entry.status !== 'pending') throw notPending(entry);
    const denied = await store.waitlist.decide(id, { status: 'denied', at: clock(), by: actor.id, denialReason: input.reason?.trim() || null });
    if (!denied) throw await refusalAfterRace(id);
    await audit.record(
      { type: 'waitlist.denied', actor: actor.id, reason: denied.denialReason, data: { waitlist_entry_id: entry.id, email_domain: emailDomain(entry), notified: input.notify === true } },
      meta,
    );
    if (input.notify) await mailer.sendDenial(denied);
    return denied;
  }

  /** Each id on its own, in order: one refusal (unknown, already decided) never stops the others. */
  async function eachOf<T>(ids: string[], act: (id: string) => Promise<T>): Promise<Array<BulkOutcome<T>>> {
    const outcomes: Array<BulkOutcome<T>> = [];
    for (const id of ids) {
      try {
        outcomes.push({ id, result: await act(id) });
      } catch (error) {
        if (!(error instanceof AppError) || !error.expose) throw error;
        outcomes.push({ id, error });
      }
    }
    return outcomes;
  }

  return {
    approve: (id: string, input: ApprovalInput, actor: Actor, meta: RequestMeta) => approve(id, input, actor, meta),
    deny,
    async approveMany(ids: string[], input: ApprovalInput, actor: Actor, meta: RequestMeta): Promise<Array<BulkOutcome<Approval>>> {
      const mails: Approval[] = [];
      const outcomes = await eachOf(ids, (id) => approve(id, input, actor, meta, mails));
      // One queue write for the whole batch: rendering and sealing stay, the thousand writes go.
      if (mails.length) await mailer.sendInvitations(mails, actor);
      return outcomes;
    },
    denyMany: (ids: string[], input: DenialInput, actor: Actor, meta: RequestMeta) => eachOf(ids, (id) => deny(id, input, actor, meta)),

    get: findQueued,

    list(filter: WaitlistFilter, page: PageRequest): Promise<Page<WaitlistEntry>> {
      return store.waitlist.list(filter, page);
    },

    counts(): Promise<Record<WaitlistStatus, number>> {
      return store.waitlist.countByStatus();
    },

    /** Pending requests ahead of this one; null once it is decided. */
    async ahead(entry: WaitlistEntry): Promise<number | null> {
      return entry.status === 'pending' && entry.seq !== null ? store.waitlist.countPendingBefore(entry.seq) : null;
    },
  };
}

export type WaitlistReview = ReturnType<typeof createWaitlistReview>;
