// The console's query and form shapes (zod): filters of each list, and the forms' fields.
import { z } from 'zod';
import { AUDIT_EVENT_TYPES } from '../audit/event-types.ts';

const text = (max: number) => z.string().trim().max(max).optional().transform((value) => value || undefined);
const day = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || undefined)
  .refine((value) => value === undefined || /^\d{4}-\d{2}-\d{2}$/.test(value), 'must be a date (YYYY-MM-DD)');
const dateTime = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || undefined)
  .refine((value) => value === undefined || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value), 'must be a date and time');
const cursor = z.string().max(200).optional();
const empty = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

export const PAGE_SIZE = 50;

export const invitationListQuery = z.object({
  q: text(254),
  status: empty(z.enum(['pending', 'redeemed', 'expired', 'revoked']).optional()),
  app: text(200),
  role: text(64),
  creator: text(254),
  from: day,
  to: day,
  cursor,
});

export const peopleListQuery = z.object({
  q: text(254),
  status: empty(z.enum(['active', 'disabled', 'locked']).optional()),
  invited_by: text(254),
  role: text(64),
  cursor,
});

export const auditListQuery = z.object({
  type: empty(z.enum(AUDIT_EVENT_TYPES).optional()),
  actor: text(200),
  invite_id: text(100),
  account_id: text(100),
  ip: text(64),
  since: dateTime,
  until: dateTime,
  cursor,
});

export const deliveryListQuery = z.object({
  queue: empty(z.enum(['mail', 'webhook']).optional()),
  state: empty(z.enum(['failed', 'retrying', 'waiting', 'leased']).optional()),
  cursor,
});

/** The new-invitation form, as posted: every field a string. */
export const newInvitationForm = z.object({
  email: text(254),
  uses: z.enum(['single', 'multi']).default('single'),
  max_uses: text(10),
  expires_in_days: text(10),
  roles: text(2000),
  client_id: text(200),
  note: text(1000),
  metadata: z.string().max(8000).optional(),
  send_email: z.string().optional(),
});

/** Ids picked in a list (one checkbox each); at most a page of them. */
export const selectedIds = z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.string().min(1).max(100)).max(200));

export const rolesText = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[\s,;]+/)
    .map((role) => role.trim())
    .filter(Boolean);
