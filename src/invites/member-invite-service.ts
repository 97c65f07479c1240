// A member's own invitations: list, create within their quota (their override or
// max_invites_per_user; revoked ones don't count) and member_invites_per_day (revoked ones do),
// and revoke their own pending ones.
import type { Config } from '../config.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import type { AccountRecord, InviteRecord, Page, PageRequest, Store } from '../store/ports.ts';
import type { Actor, CreateInviteInput, InviteService, IssuedInvite } from './invite-service.ts';

/** What a member may set: no roles, no extra uses, no metadata, so a member cannot grant more than they have. */
export interface MemberInviteInput {
  email?: string | null;
  expiresInDays?: number;
  clientId?: string | null;
  note?: string | null;
  sendEmail?: boolean;
}

export interface QuotaSummary {
  quota: number;
  used: number;
  left: number;
}

export function createMemberInviteService({ store, config, invites }: { store: Store; config: Config; invites: InviteService }) {
  async function member(accountId: string): Promise<AccountRecord> {
    const account = await store.accounts.findById(accountId);
    // A disabled or deleted member is nobody here (the bearer guard refuses them too).
    if (!account || account.disabled) throw new AppError('invalid_token');
    return account;
  }

  const actorOf = (account: AccountRecord): Actor => ({ id: account.id, kind: 'member', quota: account.inviteQuota ?? config.max_invites_per_user });

  return {
    async quota(accountId: string): Promise<QuotaSummary> {
      const account = await member(accountId);
      const quota = actorOf(account).quota!;
      const used = await store.invites.countCountedAgainstQuota(account.id);
      return { quota, used, left: Math.max(0, quota - used) };
    },

    list(accountId: string, page: PageRequest): Promise<Page<InviteRecord>> {
      return invites.list({ createdBy: accountId }, page);
    },

    async create(accountId: string, input: MemberInviteInput, meta: RequestMeta): Promise<IssuedInvite> {
      const account = await member(accountId);
      const full: CreateInviteInput = { ...input, maxUses: 1, roles: [], metadata: {} };
      return invites.create(full, actorOf(account), meta);
    },

    async revoke(accountId: string, inviteId: string, meta: RequestMeta): Promise<InviteRecord> {
      const account = await member(accountId);
      // The invite service answers 404 for someone else's invite, so ids reveal nothing.
      return invites.revoke(inviteId, actorOf(account), meta);
    },
  };
}

export type MemberInviteService = ReturnType<typeof createMemberInviteService>;
