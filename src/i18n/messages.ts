// Every user-facing sentence, keyed by the machine code it explains: one place to translate.

export const MESSAGES = {
  // errors (the contract's `error` codes)
  invalid_request: 'The request is not valid.',
  invalid_json: 'The body must be a JSON object.',
  invalid_invite: 'Invalid or expired invitation link',
  invite_required: 'An invitation is required to create an account.',
  email_mismatch: 'This invitation was sent to a different email address. Use the address it was sent to.',
  email_taken: 'An account with this email already exists. Sign in instead.',
  invalid_credentials: 'The email or password is not correct.',
  account_disabled: 'This account is disabled. Contact the administrator.',
  not_found: 'Nothing was found here.',
  conflict: 'That cannot be done in the current state.',
  quota_exceeded: 'You have used all of your invitations.',
  invalid_token: 'The access token is missing, expired or not valid.',
  insufficient_scope: 'The access token does not carry the scope this needs.',
  too_many_requests: 'Too many attempts. Wait a moment, then try again.',
  invalid_code: 'That code is not correct.',
  code_expired: 'That code has expired. Ask for a new one.',
  verification_locked: 'Too many wrong codes. Start the sign-up again.',
  payload_too_large: 'The request is too large.',
  unsupported_media_type: 'The request body must be JSON.',
  csrf_failed: 'The form has expired. Reload the page and try again.',
  service_unavailable: 'The service is briefly unavailable. Try again in a moment.',
  server_error: 'Something went wrong on our side.',
  // invitation link pages
  invite_unknown: 'This invitation link is not valid. Check that you copied the whole link.',
  invite_expired: 'This invitation has expired. Ask the person who invited you for a new one.',
  invite_revoked: 'This invitation has been withdrawn.',
  invite_used: 'This invitation has already been used. If it was you, sign in instead.',
  // pages
  password_rules: 'At least 8 characters.',
  invite_needed_hint: 'New here? You need an invitation to create an account.',
  signup_invite_required_hint: 'Paste the invitation you received, or open the link from your invitation email.',
  account_exists_offer: 'You already have an account with this email. Sign in instead.',
} as const;

export type MessageCode = keyof typeof MESSAGES;

export function messageFor(code: string): string {
  return (MESSAGES as Record<string, string>)[code] ?? MESSAGES.server_error;
}
