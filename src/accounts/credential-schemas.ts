// The shapes of sign-up credentials, shared by the JSON API and the hosted forms.
import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

export { emailSchema } from '../email-address.ts';

// Length only, no composition rules (NIST SP 800-63B).
export const passwordSchema = z
  .string({ error: 'must be a string' })
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

export const inviteTokenSchema = z.string({ error: 'must be a string' }).trim().max(200, 'is not an invitation token');
