// Reading the audit log: filtered pages for the API and a streamed NDJSON export.
import { Readable } from 'node:stream';
import type { AuditFilter, AuditStore, Page, PageRequest } from '../store/ports.ts';
import { InvalidCursorError } from '../store/cursor.ts';
import { badRequest } from '../errors.ts';
import { presentAuditEvent, type PublicAuditEvent } from './audit-presenter.ts';

export function createAuditLog({ audit }: { audit: AuditStore }) {
  return {
    async list(filter: AuditFilter, page: PageRequest): Promise<Page<PublicAuditEvent>> {
      try {
        const result = await audit.query(filter, page);
        return { items: result.items.map(presentAuditEvent), nextCursor: result.nextCursor };
      } catch (error) {
        if (error instanceof InvalidCursorError) throw badRequest([{ path: 'cursor', message: 'is not a cursor this API returned' }], 'The cursor is not valid.');
        throw error;
      }
    },

    /**
     * One JSON object per line. Readable.from pulls the next event only when the socket has room,
     * and the store reads in keyset batches, so memory stays flat however many events match.
     */
    exportNdjson(filter: AuditFilter): Readable {
      async function* lines() {
        for await (const event of audit.stream(filter)) yield `${JSON.stringify(presentAuditEvent(event))}\n`;
      }
      return Readable.from(lines(), { objectMode: false });
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
