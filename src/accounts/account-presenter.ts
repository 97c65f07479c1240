// The user as the admin API shows it (snake_case; never the password hash).
import type { AccountRecord } from '../store/ports.ts';

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
