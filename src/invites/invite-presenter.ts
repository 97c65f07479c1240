// The invite as the JSON API shows it (snake_case, derived status, link built from issuer).
import type { InviteRecord, Redemption } from '../store/ports.ts';
import { inviteStatus } from './invite-status.ts';

export function inviteUrl(issuer: string, token: string): string {
  return `${issuer}/invite/${token}`;
}

export function presentInvite(invite: InviteRecord, now: Date, extra: { token?: string; issuer?: string; redemptions?: Redemption[] } = {}) {
  return {
    id: invite.id,
    email: invite.email,
    status: inviteStatus(invite, now),
    uses: invite.uses,
    max_uses: invite.maxUses,
    expires_at: invite.expiresAt.toISOString(),
    created_at: invite.createdAt.toISOString(),
    created_by: invite.createdBy,
    client_id: invite.clientId,
    roles: invite.roles,
    metadata: invite.metadata,
    note: invite.note,
    ...(extra.token && extra.issuer ? { token: extra.token, url: inviteUrl(extra.issuer, extra.token) } : {}),
    ...(extra.redemptions
      ? {
          redemptions: extra.redemptions.map((r) => ({ account_id: r.accountId, email: r.email, at: r.at.toISOString(), ip: r.ip })),
        }
      : {}),
  };
}
