// The first admin's way in on a fresh development start: a single-use invitation with the role
// `admin`, open to whoever holds the link, printed once in the start banner and never stored in clear.
import { NO_REQUEST } from '../audit/request-meta.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import type { InviteService } from '../invites/invite-service.ts';

export async function createOwnerInvitation(invites: InviteService, issuer: string): Promise<string> {
  const { token } = await invites.create({ roles: ['admin'], maxUses: 1, note: 'owner invitation (first start)', sendEmail: false }, { id: 'system', kind: 'admin' }, NO_REQUEST);
  return inviteUrl(issuer, token);
}
