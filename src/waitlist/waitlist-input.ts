// The shapes a waitlist request and its confirmation take, shared by the JSON API and the hosted form.
import { z } from 'zod';
import { emailSchema } from '../email-address.ts';

/** The reason may be long enough to say something, and no longer. */
export const REASON_MAX = 1000;

// No control characters in what an admin will read (a name, a referral).
const line = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must be one line of text');

export const waitlistRequestFields = {
  email: emailSchema,
  name: line(200).optional().nullable(),
  reason: z.string({ error: 'must be a string' }).trim().max(REASON_MAX, `must be at most ${REASON_MAX} characters`).optional().nullable(),
  ref: line(200).optional().nullable(),
  /** Left empty by people; a form's hidden field that bots fill. */
  website: z.string({ error: 'must be a string' }).max(2000).optional().nullable(),
};

export const waitlistRequestBody = z.object(waitlistRequestFields).meta({ id: 'WaitlistRequest' });

export const confirmationCode = z.string({ error: 'must be a string' }).trim().max(16, 'is not a code');
export const requestId = z.string({ error: 'must be a string' }).min(1, 'is required').max(64, 'is not a request id');
