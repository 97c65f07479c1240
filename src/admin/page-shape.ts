// The shape of a keyset page, as every list endpoint answers it.
import { z } from 'zod';

export const pageOf = (item: z.ZodType) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });
