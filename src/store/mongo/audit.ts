// Audit events in MongoDB: append-only, newest-first queries on indexed filters, a cursor for export.
import type { QueryFilter } from 'mongoose';
import type { AuditCountQuery, AuditEvent, AuditFilter, AuditStore } from '../ports.ts';
import { encodeCursor, seqBefore } from '../cursor.ts';
import type { AuditDoc, Models } from './models.ts';
import type { NextSeq } from './sequence.ts';
import { op } from './trusted.ts';

const STREAM_BATCH = 500;

function docToEvent(doc: AuditDoc): AuditEvent {
  return {
    id: doc._id,
    type: doc.type,
    at: doc.at,
    actor: doc.actor,
    inviteId: doc.inviteId ?? null,
    accountId: doc.accountId ?? null,
    ip: doc.ip ?? null,
    userAgent: doc.userAgent ?? null,
    requestId: doc.requestId ?? null,
    reason: doc.reason ?? null,
    data: doc.data === null || doc.data === undefined ? null : (JSON.parse(doc.data) as Record<string, unknown>),
    seq: doc.seq,
  };
}

/** Built field by field from scalars: a caller's object never becomes part of the query. */
function toQuery(filter: AuditFilter, before: number | undefined): QueryFilter<AuditDoc> {
  const query: QueryFilter<AuditDoc> = {};
  if (before !== undefined) query.seq = op({ $lt: before });
  if (filter.type !== undefined) query.type = String(filter.type);
  if (filter.inviteId !== undefined) query.inviteId = String(filter.inviteId);
  if (filter.accountId !== undefined) query.accountId = String(filter.accountId);
  if (filter.actor !== undefined) query.actor = String(filter.actor);
  if (filter.ip !== undefined) query.ip = String(filter.ip);
  if (filter.since || filter.until) {
    query.at = op({ ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) });
  }
  return query;
}

/**
 * The filter of a count (the type index with the `at` range serves it). Its operators are marked
 * trusted: countDocuments runs under sanitizeFilter, which would otherwise disarm them.
 */
function countMatch(query: AuditCountQuery): Record<string, unknown> {
  return {
    type: String(query.type),
    at: op({ $gte: query.since, $lt: query.until }),
    ...(query.withoutReason ? { reason: null } : {}),
    ...(query.distinctInvites ? { inviteId: op({ $type: 'string' }) } : {}),
  };
}

const dayOfAt = { $dateToString: { format: '%Y-%m-%d', date: '$at' } };

export function createMongoAuditStore({ Audit }: Models, nextSeq: NextSeq): AuditStore {
  return {
    async append(event) {
      const seq = await nextSeq('audit');
      await Audit.create({
        _id: String(event.id),
        type: event.type,
        at: event.at,
        actor: event.actor,
        inviteId: event.inviteId,
        accountId: event.accountId,
        ip: event.ip,
        userAgent: event.userAgent,
        requestId: event.requestId,
        reason: event.reason,
        data: event.data ? JSON.stringify(event.data) : null,
        seq,
      });
      return { ...event, seq };
    },
    async countPerDay(query) {
      // Distinct invitations: one group per (day, invitation) first, then count the groups per day.
      const pipeline: Record<string, unknown>[] = [{ $match: countMatch(query) }];
      if (query.distinctInvites) pipeline.push({ $group: { _id: { day: dayOfAt, invite: '$inviteId' } } }, { $group: { _id: '$_id.day', count: { $sum: 1 } } });
      else pipeline.push({ $group: { _id: dayOfAt, count: { $sum: 1 } } });
      pipeline.push({ $sort: { _id: 1 } });
      const rows = await Audit.aggregate<{ _id: string; count: number }>(pipeline as never[]);
      return rows.map((row) => ({ day: row._id, count: row.count }));
    },
    async count(query) {
      if (!query.distinctInvites) return Audit.countDocuments(countMatch(query) as never);
      const rows = await Audit.aggregate<{ n: number }>([{ $match: countMatch(query) }, { $group: { _id: '$inviteId' } }, { $count: 'n' }] as never[]);
      return rows[0]?.n ?? 0;
    },
    async query(filter, page) {
      const docs = await Audit.find(toQuery(filter, seqBefore(page.cursor))).sort({ seq: -1 }).limit(page.limit + 1).lean<AuditDoc[]>();
      const items = docs.slice(0, page.limit).map(docToEvent);
      return { items, nextCursor: docs.length > page.limit ? encodeCursor(items[items.length - 1]!.seq) : null };
    },
    async *stream(filter) {
      // A server cursor fetched in batches: memory holds one batch however many events match.
      const cursor = Audit.find(toQuery(filter, undefined)).sort({ seq: -1 }).lean<AuditDoc[]>().cursor({ batchSize: STREAM_BATCH });
      try {
        for await (const doc of cursor) yield docToEvent(doc as AuditDoc);
      } finally {
        // A consumer that stops early (a client hung up) must not leave the server cursor open.
        await cursor.close();
      }
    },
    async purgeBefore(before) {
      const result = await Audit.deleteMany({ at: op({ $lt: before }) });
      return result.deletedCount;
    },
  };
}
