// The audit event as the outside sees it (API, NDJSON export, webhooks): one snake_case shape.
import type { AuditEvent } from '../store/ports.ts';

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
