// The user as the admin API shows it (snake_case; never the password hash), and its shape for the
// OpenAPI document.
import { z } from 'zod';
import type { AccountRecord } from '../store/ports.ts';

export const userShape = z.object({
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  phone_number: z.string().optional(),
  phone_number_verified: z.boolean().optional(),
  roles: z.array(z.string()),
  invite_id: z.string().nullable(),
  invited_by: z.string().nullable().describe('who created the invite: walks the invite tree'),
  created_at: z.iso.datetime(),
  disabled: z.boolean(),
  invite_quota: z.number().int().nullable().describe('override of max_invites_per_user; null: the default'),
}).meta({ id: 'User' });

export function presentAccount(account: AccountRecord) {
  return {
    id: account.id,
    email: account.email,
    email_verified: account.emailVerified,
    ...(account.phoneNumber ? { phone_number: account.phoneNumber, phone_number_verified: account.phoneNumberVerified } : {}),
    roles: account.roles,
    invite_id: account.inviteId,
    invited_by: account.invitedBy,
    created_at: account.createdAt.toISOString(),
    disabled: account.disabled,
    invite_quota: account.inviteQuota,
  };
}
