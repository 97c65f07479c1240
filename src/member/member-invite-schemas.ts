// The member invite API's input shapes (zod): fewer fields than the admin's, and unknown ones refused.
import { z } from 'zod';
import { createInviteBody } from '../admin/invite-schemas.ts';

export const memberInviteBody = z.strictObject(
  {
    email: createInviteBody.shape.email,
    expires_in_days: createInviteBody.shape.expires_in_days,
    client_id: createInviteBody.shape.client_id,
    note: createInviteBody.shape.note,
    send_email: createInviteBody.shape.send_email,
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `not allowed for members: ${issue.keys.join(', ')}` : undefined) },
).meta({ id: 'MemberCreateInvite' });

export const memberInviteListQuery = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().max(200).optional(),
});

export function toMemberInviteInput(body: z.output<typeof memberInviteBody>) {
  return { email: body.email ?? null, expiresInDays: body.expires_in_days, clientId: body.client_id ?? null, note: body.note ?? null, sendEmail: body.send_email };
}
