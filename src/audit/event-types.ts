// The audit event types: the contract's, plus the admin actions recorded beside them.

export const AUDIT_EVENT_TYPES = [
  'invite.created',
  'invite.sent',
  'invite.send_failed',
  'invite.viewed',
  'invite.redeemed',
  'invite.redeem_failed',
  'invite.revoked',
  'invite.resent',
  'registration.succeeded',
  'registration.failed',
  'login.succeeded',
  'login.failed',
  'security.alert',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'user.quota_changed',
  // second factors and passkeys (src/mfa/)
  'mfa.enrolled',
  'mfa.removed',
  'mfa.challenge_failed',
  'mfa.reset_by_admin',
  'backup_code.used',
  'backup_codes.generated',
  'passkey.registered',
  'passkey.renamed',
  'passkey.signed_in',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
