// The audit event as the outside sees it (API, NDJSON export, webhooks): one snake_case shape.
import { z } from 'zod';
import type { AuditEvent } from '../store/ports.ts';

/** The same shape for the OpenAPI document. */
export const auditEventShape = z.object({
  id: z.string(),
  type: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  invite_id: z.string().nullable(),
  account_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
}).meta({ id: 'AuditEvent' });

export interface PublicAuditEvent {
  id: string;
  type: string;
  at: string;
  actor: string;
  invite_id: string | null;
  account_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  reason: string | null;
  data: Record<string, unknown> | null;
}

export function presentAuditEvent(event: AuditEvent): PublicAuditEvent {
  return {
    id: event.id,
    type: event.type,
    at: event.at.toISOString(),
    actor: event.actor,
    invite_id: event.inviteId,
    account_id: event.accountId,
    ip: event.ip,
    user_agent: event.userAgent,
    request_id: event.requestId,
    reason: event.reason,
    data: event.data,
  };
}
