// The rules of admission: whitelist matching and email binding.
import type { InviteRecord } from '../store/ports.ts';
import { emailDomain, normalizeEmail } from '../email-address.ts';

/** `example.com` and `@example.com` match the domain; `alice@example.org` matches the address. */
export function isWhitelisted(email: string, whitelist: readonly string[]): boolean {
  const address = normalizeEmail(email);
  const domain = emailDomain(address);
  return whitelist.some((entry) => (entry.includes('@') && !entry.startsWith('@') ? entry === address : entry.replace(/^@/, '') === domain));
}

/** An invite bound to an email admits only that email. */
export function emailMatchesInvite(invite: Pick<InviteRecord, 'email'>, email: string): boolean {
  return invite.email === null || invite.email === normalizeEmail(email);
}
