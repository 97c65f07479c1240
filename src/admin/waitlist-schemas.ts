// The admin waitlist API's input shapes (zod); the OpenAPI description is generated from them too.
import { z } from 'zod';
import { createInviteBody } from './invite-schemas.ts';

/** The most ids one bulk approval or denial takes, as for bulk invitations. */
export const BULK_MAX = 1000;

export const listWaitlistQuery = z.object({
  status: z.enum(['pending', 'approved', 'denied']).optional(),
  q: z.string().trim().max(254).optional().describe('the start of the email address, or @domain for a whole domain'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** An approval's invitation: the terms an admin may set (the email is the request's, bound). */
const approvalTerms = {
  roles: createInviteBody.shape.roles,
  client_id: createInviteBody.shape.client_id,
  expires_in_days: createInviteBody.shape.expires_in_days,
  send_email: z.boolean({ error: 'must be true or false' }).optional().describe('false: the invitation is not emailed (default true)'),
};

const denialTerms = {
  reason: z.string({ error: 'must be a string' }).trim().max(1000, 'must be at most 1000 characters').optional().nullable().describe('kept for the admins; never sent'),
  notify: z.boolean({ error: 'must be true or false' }).optional().describe('email the person that the answer is no (default false)'),
};

export const approveBody = z.object(approvalTerms).meta({ id: 'WaitlistApproval' });
export const denyBody = z.object(denialTerms).meta({ id: 'WaitlistDenial' });

const ids = z
  .array(z.string({ error: 'must be a string' }).min(1).max(64), { error: 'must be a list of request ids' })
  .min(1, 'must name at least one request')
  .max(BULK_MAX, `may hold at most ${BULK_MAX} ids`);

export const bulkApproveBody = z.object({ ids, ...approvalTerms }).meta({ id: 'WaitlistBulkApproval' });
export const bulkDenyBody = z.object({ ids, ...denialTerms }).meta({ id: 'WaitlistBulkDenial' });

export const toApprovalInput = (body: z.output<typeof approveBody>) => ({
  roles: body.roles,
  clientId: body.client_id ?? null,
  expiresInDays: body.expires_in_days,
  sendEmail: body.send_email,
});

export const toDenialInput = (body: z.output<typeof denyBody>) => ({ reason: body.reason ?? null, notify: body.notify });

/** `q` as the store's filter: `@acme.com` names a whole domain, anything else is the start of an address. */
export function searchFilter(q: string | undefined): { domain?: string; emailPrefix?: string } {
  if (!q) return {};
  const text = q.toLowerCase();
  return text.startsWith('@') ? { domain: text.slice(1) } : { emailPrefix: text };
}
