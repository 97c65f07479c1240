// Records audit events in the store, where they happen, and hands each one on to listeners
// (the log line, the webhook queue).
import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditStore } from '../store/ports.ts';
import type { AuditEventType } from './event-types.ts';
import { NO_REQUEST, type RequestMeta } from './request-meta.ts';

export interface AuditInput {
  type: AuditEventType;
  /** The admin client id, the account's sub, or 'anonymous'. */
  actor: string;
  inviteId?: string | null;
  accountId?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
}

export type AuditListener = (event: AuditEvent) => Promise<void> | void;

export interface AuditRecorder {
  record(input: AuditInput, meta?: RequestMeta): Promise<AuditEvent>;
  /** Listeners run after the event is stored; a failing listener never loses the event. */
  subscribe(listener: AuditListener): void;
}

export function createAuditRecorder({ audit, clock, onListenerError }: { audit: AuditStore; clock: () => Date; onListenerError?: (error: unknown) => void }): AuditRecorder {
  const listeners: AuditListener[] = [];
  return {
    async record(input, meta = NO_REQUEST) {
      const event = await audit.append({
        id: randomUUID(),
        type: input.type,
        at: clock(),
        actor: input.actor,
        inviteId: input.inviteId ?? null,
        accountId: input.accountId ?? null,
        ip: meta.ip,
        userAgent: meta.userAgent,
        requestId: meta.requestId,
        reason: input.reason ?? null,
        // The console and the command line mark what they do, so the log tells them from the API.
        data: meta.via ? { ...input.data, via: meta.via } : (input.data ?? null),
      });
      for (const listener of listeners) {
        try {
          await listener(event);
        } catch (error) {
          onListenerError?.(error);
        }
      }
      return event;
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}
