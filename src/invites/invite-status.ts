// An invite's status is derived, never stored: it follows from revocation, uses and the clock.
import type { InviteRecord, InviteStatus } from '../store/ports.ts';

export function inviteStatus(invite: Pick<InviteRecord, 'revokedAt' | 'uses' | 'maxUses' | 'expiresAt'>, now: Date): InviteStatus {
  if (invite.revokedAt) return 'revoked';
  if (invite.uses >= invite.maxUses) return 'redeemed';
  if (invite.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}
