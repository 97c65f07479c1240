// What an email address is here: its accepted shape, and the one normal form every comparison uses.
import { z } from 'zod';

// 254 is the longest address SMTP can carry; a longer "email" is refused before any work.
export const emailSchema = z.string({ error: 'must be a string' }).trim().max(254, 'must be at most 254 characters').pipe(z.email('must be a valid email address'));

/** The part after the last @: what audit events and domain rules keep of an address. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** Emails are compared trimmed and case-insensitively everywhere. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
