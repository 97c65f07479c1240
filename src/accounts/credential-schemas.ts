// The shapes of an email and a password, shared by the JSON API and the hosted forms.
import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

// 254 is the longest address SMTP can carry; a longer "email" is refused before any work.
export const emailSchema = z.string({ error: 'must be a string' }).trim().max(254, 'must be at most 254 characters').pipe(z.email('must be a valid email address'));

// Length only, no composition rules (NIST SP 800-63B).
export const passwordSchema = z
  .string({ error: 'must be a string' })
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

export const inviteTokenSchema = z.string({ error: 'must be a string' }).trim().max(200, 'is not an invitation token');
