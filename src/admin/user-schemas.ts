// The admin user API's input shapes (zod); the OpenAPI description is generated from them too.
import { z } from 'zod';

export const listUsersQuery = z.object({
  email: z.string().max(254).optional(),
  invite_id: z.string().min(1).max(100).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().max(200).optional(),
});

export const setQuotaBody = z.object({
  invite_quota: z
    .number({ error: 'must be a number or null' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(100000, 'must be at most 100000')
    .nullable(),
});
