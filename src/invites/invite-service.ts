// Invitations: create, inspect, list, revoke and resend (redemption is redemption.ts). Knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { AppError, badRequest, conflict, notFound } from '../errors.ts';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { InviteFilter, InviteRecord, InviteStatus, NewInvite, Page, PageRequest, Redemption as RedemptionRecord, Store } from '../store/ports.ts';
import { t } from '../i18n/format-message.ts';
import { generateInviteToken, hashInviteToken, looksLikeInviteToken } from './invite-token.ts';
import { normalizeEmail } from '../email-address.ts';
import { inviteStatus } from './invite-status.ts';
import { addressSubject, type RateLimiter } from '../security/rate-limiter.ts';
import { isConsoleRole } from '../security/console-roles.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface CreateInviteInput {
  email?: string | null;
  expiresInDays?: number;
  maxUses?: number;
  clientId?: string | null;
  roles?: string[];
  metadata?: Record<string, unknown>;
  note?: string | null;
  sendEmail?: boolean;
}

/** Who creates or manages an invite. Members are held to a quota; admins are not. */
export interface Actor {
  id: string;
  kind: 'admin' | 'member';
  /** A member's quota (their override, or max_invites_per_user). */
  quota?: number;
  /**
   * False for a console inviter: an invitation may then not carry admin, inviter or viewer, so
   * nobody hands out more than they hold. The admin client and the command line may.
   */
  mayGrantConsoleRoles?: boolean;
}

export interface IssuedInvite {
  invite: InviteRecord;
  /** The plaintext token: handed out here and never again. */
  token: string;
}

export type InviteInspection =
  | { state: 'valid'; invite: InviteRecord }
  | { state: 'unknown' }
  | { state: 'expired' | 'revoked' | 'used'; invite: InviteRecord };

/** What the hosted sign-up page shows for a token. */
export interface SignUpInvite {
  state: InviteInspection['state'];
  /** The invitation the token names (valid or not), for the audit trail; null when unknown. */
  inviteId: string | null;
  /** The address a valid invitation is bound to (the form locks it), or null. */
  lockedEmail: string | null;
  /** That address already has an account: the person is offered to sign in instead. */
  accountExists: boolean;
  /** That address has an account whose email was never proven: its owner may take it over (with a code). */
  accountUnproven?: boolean;
}

/** Sends (queues) the invitation email; the mail module implements it. */
export interface InvitationMailer {
  sendInvitation(invite: InviteRecord, token: string, inviter: Actor): Promise<void>;
  /** Many at once (bulk creation): one store write for the lot. */
  sendInvitations?(items: Array<{ invite: InviteRecord; token: string }>, inviter: Actor): Promise<void>;
}

export interface InviteServiceDeps {
  store: Store;
  config: Config;
  clock: () => Date;
  audit: AuditRecorder;
  /** Client ids an invite may name. */
  isKnownClient: (clientId: string) => boolean;
  mailer?: InvitationMailer;
  /** Limits token guessing and lookups per address. */
  limiter: RateLimiter;
}

export function createInviteService({ store, config, clock, audit, isKnownClient, mailer, limiter }: InviteServiceDeps) {
  function buildInvite(input: CreateInviteInput, actor: Actor, tokenHash: string): NewInvite {
    if (input.clientId && !isKnownClient(input.clientId)) {
      throw badRequest([{ path: 'client_id', message: 'unknown client' }], t('unknown_client'));
    }
    if (actor.mayGrantConsoleRoles === false && input.roles?.some(isConsoleRole)) throw new AppError('console_forbidden');
    const now = clock();
    return {
      id: randomUUID(),
      tokenHash,
      email: input.email ? normalizeEmail(input.email) : null,
      maxUses: input.maxUses ?? 1,
      expiresAt: new Date(now.getTime() + (input.expiresInDays ?? config.invite_link_expiry) * DAY_MS),
      createdAt: now,
      createdBy: actor.id,
      clientId: input.clientId ?? null,
      roles: input.roles ?? [],
      metadata: input.metadata ?? {},
      note: input.note ?? null,
    };
  }

  async function assertWithinQuota(actor: Actor, adding: number): Promise<void> {
    if (actor.kind !== 'member') return;
    const used = await store.invites.countCountedAgainstQuota(actor.id);
    if (used + adding > (actor.quota ?? config.max_invites_per_user)) throw new AppError('quota_exceeded');
  }

  /**
   * A member's invitation: one place of the day's sending is taken before the invite exists, then
   * the quota is checked and the invite inserted in one atomic store step. The place stays taken
   * whatever becomes of the invite, so create, revoke, create again cannot make a mail relay.
   */
  async function createAsMember(record: NewInvite, actor: Actor, meta: RequestMeta): Promise<InviteRecord> {
    const sending = await limiter.take('member_invite', actor.id, meta);
    let invite: InviteRecord | null;
    try {
      invite = await store.invites.createWithinQuota(record, actor.quota ?? config.max_invites_per_user);
    } catch (error) {
      await sending.giveBack();
      throw error;
    }
    if (invite) return invite;
    // Nothing was sent: the quota refused it, so the day's place goes back.
    await sending.giveBack();
    throw new AppError('quota_exceeded');
  }

  const wantsEmail = (invite: InviteRecord, input: CreateInviteInput) => Boolean(invite.email && input.sendEmail !== false && mailer);

  async function recordCreated(invite: InviteRecord, actor: Actor, meta: RequestMeta): Promise<void> {
    await audit.record({ type: 'invite.created', actor: actor.id, inviteId: invite.id, data: { max_uses: invite.maxUses, bound: invite.email !== null } }, meta);
  }

  async function afterCreate(invite: InviteRecord, token: string, input: CreateInviteInput, actor: Actor, meta: RequestMeta): Promise<void> {
    await recordCreated(invite, actor, meta);
    if (wantsEmail(invite, input)) await mailer!.sendInvitation(invite, token, actor);
  }

  async function findOrThrow(id: string): Promise<InviteRecord> {
    const invite = await store.invites.findById(id);
    if (!invite) throw notFound();
    return invite;
  }

  return {
    async create(input: CreateInviteInput, actor: Actor, meta: RequestMeta): Promise<IssuedInvite> {
      const token = generateInviteToken();
      const record = buildInvite(input, actor, hashInviteToken(token));
      const invite = actor.kind === 'member' ? await createAsMember(record, actor, meta) : await store.invites.create(record);
      await afterCreate(invite, token, input, actor, meta);
      return { invite, token };
    },

    /** Creates many at once; each row succeeds or fails on its own. */
    async createMany(inputs: CreateInviteInput[], actor: Actor, meta: RequestMeta): Promise<Array<IssuedInvite | AppError>> {
      const prepared = inputs.map((input) => {
        try {
          const token = generateInviteToken();
          return { input, token, record: buildInvite(input, actor, hashInviteToken(token)) };
        } catch (error) {
          if (error instanceof AppError) return error;
          throw error;
        }
      });
      const good = prepared.filter((row): row is Exclude<typeof row, AppError> => !(row instanceof AppError));
      await assertWithinQuota(actor, good.length);
      const created = await store.invites.createMany(good.map((row) => row.record));
      const byId = new Map(created.map((invite) => [invite.id, invite]));
      const results: Array<IssuedInvite | AppError> = [];
      const mails: Array<{ invite: InviteRecord; token: string }> = [];
      for (const row of prepared) {
        if (row instanceof AppError) {
          results.push(row);
          continue;
        }
        const invite = byId.get(row.record.id)!;
        await recordCreated(invite, actor, meta);
        if (wantsEmail(invite, row.input)) mails.push({ invite, token: row.token });
        results.push({ invite, token: row.token });
      }
      // One queue write for the whole batch keeps 1,000 invitations well under a second.
      if (mails.length && mailer?.sendInvitations) await mailer.sendInvitations(mails, actor);
      else for (const mail of mails) await mailer!.sendInvitation(mail.invite, mail.token, actor);
      return results;
    },

    /** What a token stands for, without using it up. */
    async inspect(token: string): Promise<InviteInspection> {
      if (!looksLikeInviteToken(token)) return { state: 'unknown' };
      const invite = await store.invites.findByTokenHash(hashInviteToken(token));
      if (!invite) return { state: 'unknown' };
      const status = inviteStatus(invite, clock());
      if (status === 'pending') return { state: 'valid', invite };
      return { state: status === 'redeemed' ? 'used' : status, invite };
    },

    /**
     * A token presented by someone outside (link, lookup, sign-up). The token is looked up first:
     * one that names an invitation cannot have been guessed, so it opens even from an address
     * blocked for guessing (people behind one NAT share an address). Only unknown tokens count,
     * each one atomically as it is found, and past the limit they are refused with 429.
     */
    async check(token: string, meta: RequestMeta): Promise<InviteInspection> {
      const inspection = await this.inspect(token);
      if (inspection.state === 'unknown') await limiter.fail('invite_failure', addressSubject(meta), meta);
      return inspection;
    },

    /** GET /api/invites/{token}: every lookup counts, and unknown tokens count as failures too. */
    async lookup(token: string, meta: RequestMeta): Promise<InviteInspection> {
      await limiter.hit('invite_lookup', addressSubject(meta), meta);
      return this.check(token, meta);
    },

    /** Opening the link: inspect it and record the view; it never spends a use. */
    async view(token: string, meta: RequestMeta): Promise<InviteInspection> {
      const inspection = await this.check(token, meta);
      // An unknown token is recorded too (without an invite), so guessing shows in the audit log.
      await audit.record(
        {
          type: 'invite.viewed',
          actor: 'anonymous',
          inviteId: inspection.state === 'unknown' ? null : inspection.invite.id,
          reason: inspection.state === 'valid' ? null : inspection.state,
        },
        meta,
      );
      return inspection;
    },

    /** The hosted sign-up page's view of a token; the check counts like every other. */
    async describeForSignUp(token: string, meta: RequestMeta): Promise<SignUpInvite> {
      const inspection = await this.check(token, meta);
      if (inspection.state === 'unknown') return { state: 'unknown', inviteId: null, lockedEmail: null, accountExists: false };
      if (inspection.state !== 'valid') return { state: inspection.state, inviteId: inspection.invite.id, lockedEmail: null, accountExists: false };
      const lockedEmail = inspection.invite.email;
      const holder = lockedEmail !== null ? await store.accounts.findByEmail(lockedEmail) : null;
      return { state: 'valid', inviteId: inspection.invite.id, lockedEmail, accountExists: holder !== null && holder.emailVerified, accountUnproven: holder !== null && !holder.emailVerified };
    },

    /** The invitation with this id, or null (an id from a redirect's state may name nothing). */
    find(id: string): Promise<InviteRecord | null> {
      return store.invites.findById(id);
    },

    async get(id: string): Promise<{ invite: InviteRecord; redemptions: RedemptionRecord[] }> {
      const invite = await findOrThrow(id);
      return { invite, redemptions: await store.invites.listRedemptions(id) };
    },

    list(filter: InviteFilter, page: PageRequest): Promise<Page<InviteRecord>> {
      return store.invites.list(filter, page, clock());
    },

    /** How many invitations are in each status now (a pass over the table: callers cache it). */
    countByStatus(): Promise<Record<InviteStatus, number>> {
      return store.invites.countByStatus(clock());
    },

    async revoke(id: string, actor: Actor, meta: RequestMeta): Promise<InviteRecord> {
      const existing = await findOrThrow(id);
      if (actor.kind === 'member' && existing.createdBy !== actor.id) throw notFound();
      const revoked = await store.invites.revoke(id, clock());
      if (!revoked) throw conflict(`Only a pending invite can be revoked; this one is ${inviteStatus(existing, clock())}.`);
      await audit.record({ type: 'invite.revoked', actor: actor.id, inviteId: id }, meta);
      return revoked;
    },

    /** A new token (the old link dies at once) and a fresh invite_link_expiry; re-emails a bound invite. */
    async resend(id: string, actor: Actor, meta: RequestMeta): Promise<IssuedInvite> {
      const existing = await findOrThrow(id);
      const token = generateInviteToken();
      const invite = await store.invites.rotateToken(id, hashInviteToken(token), new Date(clock().getTime() + config.invite_link_expiry * DAY_MS));
      if (!invite) throw conflict(`Only a pending or expired invite can be resent; this one is ${inviteStatus(existing, clock())}.`);
      await audit.record({ type: 'invite.resent', actor: actor.id, inviteId: id }, meta);
      if (invite.email && mailer) await mailer.sendInvitation(invite, token, actor);
      return { invite, token };
    },
  };
}

export type InviteService = ReturnType<typeof createInviteService>;
