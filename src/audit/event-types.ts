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
  'federation.linked',
  'federation.unlinked',
  'federation.rejected',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'user.quota_changed',
  'user.roles_changed',
  'delivery.redelivered',
  'console.signed_in',
  // the waitlist: a request, its confirmation by email, and the admin's decision
  'waitlist.requested',
  'waitlist.confirmed',
  'waitlist.approved',
  'waitlist.denied',
  // Accounts after sign-up: recovery and self-service.
  'password.reset_requested',
  'password.reset_completed',
  'password.reset_failed',
  'password.changed',
  'email.change_requested',
  'email.changed',
  'session.ended',
  'grant.revoked',
  'account.taken_over',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
