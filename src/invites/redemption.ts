// Redemption: spending one use of an invitation on a new account (or on taking over an account
// someone registered with the invitee's address unproven), in one atomic store step, and whether a
// sign-up started earlier may still redeem its invitation.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { t } from '../i18n/format-message.ts';
import type { AccountRecord, AccountTakeover, InviteRecord, NewAccount, RedeemOutcome, Store } from '../store/ports.ts';

/** The outcome of a redemption: the new account, or why the store refused it. */
export type RedemptionOutcome =
  | { ok: true; account: AccountRecord }
  | { ok: false; refusal: 'email_taken' | 'invalid_invite'; message?: string };

export function createRedemption({ store, clock, audit }: { store: Store; clock: () => Date; audit: AuditRecorder }) {
  /** The audit line of a use spent, or the refusal in the contract's words. */
  async function settle(invite: InviteRecord, outcome: RedeemOutcome, meta: RequestMeta): Promise<RedemptionOutcome> {
    if (outcome.ok) {
      await audit.record({ type: 'invite.redeemed', actor: outcome.account.id, inviteId: invite.id, accountId: outcome.account.id }, meta);
      return { ok: true, account: outcome.account };
    }
    if (outcome.reason === 'email_taken') return { ok: false, refusal: 'email_taken' };
    // It was fine at admission; if its last place went since, say so rather than call the link invalid.
    const latest = await store.invites.findById(invite.id);
    const usedUp = latest !== null && latest.uses >= latest.maxUses;
    return { ok: false, refusal: 'invalid_invite', ...(usedUp ? { message: t('invite_used_meanwhile') } : {}) };
  }

  return {
    /**
     * Claims one use of the invitation and creates the account in one atomic store step, so a
     * race lost since admission is refused cleanly and nothing is half done.
     */
    async redeem(invite: InviteRecord, account: NewAccount, meta: RequestMeta): Promise<RedemptionOutcome> {
      return settle(invite, await store.accounts.createRedeemingInvite(account, invite.id, { ip: meta.ip }, clock()), meta);
    },

    /**
     * Claims one use of the invitation and hands the squatted account to its owner in one atomic
     * store step (pre-account squatting settled; see signup/admission.ts).
     */
    async takeOver(invite: InviteRecord, takeover: AccountTakeover, meta: RequestMeta): Promise<RedemptionOutcome> {
      return settle(invite, await store.accounts.takeOverRedeemingInvite(takeover, invite.id, { ip: meta.ip }, clock()), meta);
    },

    /**
     * The invitation a pending sign-up may still redeem: a resend (new link) or a revoke of the
     * invitation ends every sign-up started with it. Null when it is gone, revoked or relinked.
     */
    async stillOffered(inviteId: string, startedWithTokenHash: string | null | undefined): Promise<InviteRecord | null> {
      const invite = await store.invites.findById(inviteId);
      const relinked = startedWithTokenHash !== undefined && startedWithTokenHash !== null && invite?.tokenHash !== startedWithTokenHash;
      return invite && !invite.revokedAt && !relinked ? invite : null;
    },
  };
}

export type Redemption = ReturnType<typeof createRedemption>;
