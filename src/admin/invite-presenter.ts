// The invite as the JSON API shows it (snake_case, derived status, link built from issuer), and
// its shape for the OpenAPI document.
import { z } from 'zod';
import type { InviteRecord, Redemption } from '../store/ports.ts';
import { inviteStatus } from '../invites/invite-status.ts';
import { inviteUrl } from '../invites/invite-link.ts';

export const inviteShape = z.object({
  id: z.string(),
  email: z.string().nullable(),
  status: z.enum(['pending', 'redeemed', 'expired', 'revoked']),
  uses: z.number().int(),
  max_uses: z.number().int(),
  expires_at: z.iso.datetime(),
  created_at: z.iso.datetime(),
  created_by: z.string(),
  client_id: z.string().nullable(),
  roles: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  note: z.string().nullable(),
  token: z.string().optional().describe('only when just created or resent'),
  url: z.string().optional().describe('only when just created or resent; built from issuer'),
  redemptions: z.array(z.object({ account_id: z.string(), email: z.string(), at: z.iso.datetime(), ip: z.string().nullable() })).optional(),
}).meta({ id: 'Invite' });

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
