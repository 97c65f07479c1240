// The admin recovery link's input shape (zod); the OpenAPI description is generated from it too.
import { z } from 'zod';
import { ADMIN_LINK_MAX_HOURS } from '../recovery/recovery-service.ts';

export const adminRecoveryBody = z
  .object({
    send_email: z.boolean({ error: 'must be true or false' }).optional(),
    expires_in_hours: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(ADMIN_LINK_MAX_HOURS, `must be at most ${ADMIN_LINK_MAX_HOURS} (7 days)`)
      .optional(),
  })
  .meta({ id: 'AdminRecovery' });

export const adminRecoveryShape = z.object({ url: z.string().optional() }).meta({ id: 'AdminRecoveryLink' });
