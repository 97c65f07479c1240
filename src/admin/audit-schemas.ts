// The admin audit API's query shape (zod).
import { z } from 'zod';
import { AUDIT_EVENT_TYPES } from '../audit/event-types.ts';
import type { AuditFilter } from '../store/ports.ts';

export const auditQuery = z
  .object({
    type: z.enum(AUDIT_EVENT_TYPES, { error: `must be one of ${AUDIT_EVENT_TYPES.join(', ')}` }).optional(),
    invite_id: z.string().min(1).max(100).optional(),
    account_id: z.string().min(1).max(100).optional(),
    actor: z.string().min(1).max(200).optional(),
    ip: z.string().min(1).max(64).optional(),
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
    limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.since) <= Date.parse(q.until), { path: ['until'], message: 'must not be before since' });

export type AuditQuery = z.output<typeof auditQuery>;

export function toAuditFilter(query: AuditQuery): AuditFilter {
  return {
    type: query.type,
    inviteId: query.invite_id,
    accountId: query.account_id,
    actor: query.actor,
    ip: query.ip,
    since: query.since ? new Date(query.since) : undefined,
    until: query.until ? new Date(query.until) : undefined,
  };
}
