// Audit events in MongoDB: append-only, newest first by (at, ObjectId) on indexed filters, read in
// keyset pages, so neither a counter document per event nor a long-held server cursor is needed.
import mongoose, { type QueryFilter } from 'mongoose';
import type { AuditCountQuery, AuditEvent, AuditFilter, AuditStore, Page } from '../ports.ts';
import { encodeTimeCursor, timeBefore, type TimePosition } from '../cursor.ts';
import type { AuditDoc, Models } from './models.ts';
import { op } from './trusted.ts';

const STREAM_BATCH = 500;
/** The tie-break among events of the same `at`: an ObjectId, which grows within one process. */
const OBJECT_ID = /^[0-9a-f]{24}$/;
/** Stands in for the tie-break of events stored before it existed (they sort below any ObjectId). */
const NO_ORD = '000000000000000000000000';

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
  };
}

/** Built field by field from scalars: a caller's object never becomes part of the query. */
function toQuery(filter: AuditFilter, before: TimePosition | undefined): QueryFilter<AuditDoc> {
  const query: QueryFilter<AuditDoc> = {};
  if (filter.type !== undefined) query.type = String(filter.type);
  if (filter.inviteId !== undefined) query.inviteId = String(filter.inviteId);
  if (filter.accountId !== undefined) query.accountId = String(filter.accountId);
  if (filter.actor !== undefined) query.actor = String(filter.actor);
  if (filter.ip !== undefined) query.ip = String(filter.ip);
  if (filter.since || filter.until) {
    query.at = op({ ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) });
  }
  if (before) {
    // Strictly below the last event shown, in (at, ord) order.
    const ord = new mongoose.Types.ObjectId(before.tiebreak);
    query.$or = [{ at: op({ $lt: before.at }) }, { at: before.at, ord: op({ $lt: ord }) }];
  }
  return query;
}

const NEWEST_FIRST = { at: -1, ord: -1 } as const;

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

export function createMongoAuditStore({ Audit }: Models): AuditStore {
  const page = async (filter: AuditFilter, before: TimePosition | undefined, limit: number): Promise<Page<AuditEvent>> => {
    const docs = await Audit.find(toQuery(filter, before)).sort(NEWEST_FIRST).limit(limit + 1).lean<AuditDoc[]>();
    const last = docs.length > limit ? docs[limit - 1] : undefined;
    return {
      items: docs.slice(0, limit).map(docToEvent),
      nextCursor: last ? encodeTimeCursor(last.at, last.ord ? String(last.ord) : NO_ORD) : null,
    };
  };

  return {
    // The TTL index on `at` drops events past audit_retention_days.
    expiresOnItsOwn: true,
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
    async append(event) {
      await Audit.create({
        _id: String(event.id),
        type: event.type,
        at: event.at,
        ord: new mongoose.Types.ObjectId(),
        actor: event.actor,
        inviteId: event.inviteId,
        accountId: event.accountId,
        ip: event.ip,
        userAgent: event.userAgent,
        requestId: event.requestId,
        reason: event.reason,
        data: event.data ? JSON.stringify(event.data) : null,
      });
      return { ...event };
    },
    async query(filter, request) {
      return page(filter, timeBefore(request.cursor, OBJECT_ID), request.limit);
    },
    async *stream(filter) {
      // A page per query, each a fresh short read: a reader that stalls between pages holds no
      // server cursor that could time out and cut the export short.
      let before: TimePosition | undefined;
      for (;;) {
        const batch = await page(filter, before, STREAM_BATCH);
        yield* batch.items;
        if (!batch.nextCursor) return;
        before = timeBefore(batch.nextCursor, OBJECT_ID);
      }
    },
    async purgeBefore(before) {
      const result = await Audit.deleteMany({ at: op({ $lt: before }) });
      return result.deletedCount;
    },
  };
}
