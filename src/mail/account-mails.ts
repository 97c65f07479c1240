// The emails about an existing account (recovery, a changed password, an email change): what each
// asks of the renderer, and the values its templates read.
import { humanUtc } from './human-date.ts';

export type AccountMailRequest =
  /** The recovery code, with a link that only fills it in on the page (consuming it is a POST). */
  | { template: 'recovery-code'; to: string; code: string; link: string; expiresInMinutes: number }
  /** An admin's recovery link: it opens the "choose a new password" page. */
  | { template: 'recovery-link'; to: string; link: string; expiresAt: Date }
  /** Sent after a reset or a change: someone else's doing should be noticed. */
  | { template: 'password-changed'; to: string; at: Date; recoveryUrl: string }
  /** The code that proves the new address of an email change. */
  | { template: 'email-change-code'; to: string; code: string; expiresInMinutes: number }
  /** Told to the old address once the account moved to another one. */
  | { template: 'email-changed'; to: string; newEmail: string; at: Date };

export type AccountMailTemplate = AccountMailRequest['template'];

export const ACCOUNT_MAIL_TEMPLATES: readonly AccountMailTemplate[] = ['recovery-code', 'recovery-link', 'password-changed', 'email-change-code', 'email-changed'];

/** The values each template reads (beside the brand's). */
export function accountMailContext(request: AccountMailRequest): Record<string, unknown> {
  switch (request.template) {
    case 'recovery-code':
      return { code: request.code, link: request.link, expires_in_minutes: request.expiresInMinutes };
    case 'recovery-link':
      return { link: request.link, expires_at: humanUtc(request.expiresAt) };
    case 'password-changed':
      return { at: humanUtc(request.at), recovery_url: request.recoveryUrl };
    case 'email-change-code':
      return { code: request.code, new_email: request.to, expires_in_minutes: request.expiresInMinutes };
    case 'email-changed':
      return { new_email: request.newEmail, at: humanUtc(request.at) };
  }
}
