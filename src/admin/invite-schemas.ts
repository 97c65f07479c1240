// The admin invite API's input shapes (zod); the OpenAPI description is generated from them too.
import { z } from 'zod';
import { emailSchema } from '../email-address.ts';

const METADATA_MAX_BYTES = 4096;

export const createInviteBody = z.object({
  email: emailSchema.optional().nullable(),
  expires_in_days: z.number({ error: 'must be a number of days' }).int('must be a whole number').min(1, 'must be at least 1').max(365, 'must be at most 365').optional(),
  max_uses: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100000, 'must be at most 100000').optional(),
  client_id: z.string({ error: 'must be a string' }).min(1).max(200).optional().nullable(),
  roles: z.array(z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1-64 letters, digits or :._-')).max(50, 'at most 50 roles').optional(),
  metadata: z
    .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, `must be at most ${METADATA_MAX_BYTES} bytes as JSON`)
    .optional(),
  note: z.string({ error: 'must be a string' }).max(1000, 'must be at most 1000 characters').optional().nullable(),
  send_email: z.boolean({ error: 'must be true or false' }).optional(),
}).meta({ id: 'CreateInvite' });

export type CreateInviteBody = z.output<typeof createInviteBody>;

export const listInvitesQuery = z.object({
  status: z.enum(['pending', 'redeemed', 'expired', 'revoked']).optional(),
  email: z.string().max(254).optional(),
  created_by: z.string().max(200).optional(),
  created_after: z.iso.datetime({ offset: true }).optional(),
  created_before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function toCreateInviteInput(body: CreateInviteBody) {
  return {
    email: body.email ?? null,
    expiresInDays: body.expires_in_days,
    maxUses: body.max_uses,
    clientId: body.client_id ?? null,
    roles: body.roles,
    metadata: body.metadata as Record<string, unknown> | undefined,
    note: body.note ?? null,
    sendEmail: body.send_email,
  };
}
