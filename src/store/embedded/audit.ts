// Audit events in SQLite: append-only, queried newest first by (at, seq) through indexed filters.
import type { DatabaseSync } from 'node:sqlite';
import type { AuditCountQuery, AuditEvent, AuditFilter, AuditStore, Page } from '../ports.ts';
import { encodeTimeCursor, timeBefore, type TimePosition } from '../cursor.ts';
import type { Condition } from './newest-first-page.ts';
import { dayOf, fromMs, json, parseJson, type Row } from './database.ts';

const STREAM_BATCH = 500;

function rowToEvent(row: Row): AuditEvent {
  return {
    id: String(row.id),
    type: String(row.type),
    at: fromMs(row.at)!,
    actor: String(row.actor),
    inviteId: (row.invite_id as string | null) ?? null,
    accountId: (row.account_id as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    requestId: (row.request_id as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
    data: row.data === null || row.data === undefined ? null : parseJson<Record<string, unknown>>(row.data),
  };
}

/** The seq is SQLite's insertion order: the tie-break among events of the same `at`. */
const SEQ = /^\d{1,15}$/;

function conditions(filter: AuditFilter): Condition[] {
  return [
    filter.type ? ['type = ?', filter.type] : undefined,
    filter.inviteId ? ['invite_id = ?', filter.inviteId] : undefined,
    filter.accountId ? ['account_id = ?', filter.accountId] : undefined,
    filter.actor ? ['actor = ?', filter.actor] : undefined,
    filter.ip ? ['ip = ?', filter.ip] : undefined,
    filter.since ? ['at >= ?', filter.since.getTime()] : undefined,
    filter.until ? ['at < ?', filter.until.getTime()] : undefined,
  ];
}

/** The WHERE clause and parameters of a count; the (type, at) index serves it. */
function countWhere(query: AuditCountQuery): [string, (string | number)[]] {
  const where = ['type = ?', 'at >= ?', 'at < ?'];
  if (query.withoutReason) where.push('reason IS NULL');
  if (query.distinctInvites) where.push('invite_id IS NOT NULL');
  return [where.join(' AND '), [query.type, query.since.getTime(), query.until.getTime()]];
}

export function createEmbeddedAuditStore(db: DatabaseSync): AuditStore {
  const insert = db.prepare(`INSERT INTO audit_events
    (id, type, at, actor, invite_id, account_id, ip, user_agent, request_id, reason, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const purge = db.prepare('DELETE FROM audit_events WHERE at < ?');

  /** One page below `before`; one row more is read to know whether another page follows. */
  const page = (filter: AuditFilter, before: TimePosition | undefined, limit: number): Page<AuditEvent> => {
    const keyset: Condition = before ? ['(at, seq) < (?, ?)', before.at.getTime(), Number(before.tiebreak)] : undefined;
    const set = [...conditions(filter), keyset].filter((c): c is NonNullable<Condition> => c !== undefined);
    const where = set.length ? `WHERE ${set.map(([sql]) => sql).join(' AND ')}` : '';
    const rows = db.prepare(`SELECT * FROM audit_events ${where} ORDER BY at DESC, seq DESC LIMIT ?`).all(...set.flatMap(([, ...params]) => params), limit + 1) as Row[];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items: rows.slice(0, limit).map(rowToEvent), nextCursor: last ? encodeTimeCursor(fromMs(last.at)!, String(last.seq)) : null };
  };

  return {
    expiresOnItsOwn: false,
    async append(event) {
      insert.run(
        event.id,
        event.type,
        event.at.getTime(),
        event.actor,
        event.inviteId,
        event.accountId,
        event.ip,
        event.userAgent,
        event.requestId,
        event.reason,
        event.data ? json(event.data) : null,
      );
      return { ...event };
    },
    async countPerDay(query) {
      const [where, params] = countWhere(query);
      const counted = query.distinctInvites ? 'COUNT(DISTINCT invite_id)' : 'COUNT(*)';
      const rows = db.prepare(`SELECT at / 86400000 AS day, ${counted} AS n FROM audit_events WHERE ${where} GROUP BY day ORDER BY day`).all(...params) as Row[];
      return rows.map((row) => ({ day: dayOf(row.day), count: Number(row.n) }));
    },
    async count(query) {
      const [where, params] = countWhere(query);
      const counted = query.distinctInvites ? 'COUNT(DISTINCT invite_id)' : 'COUNT(*)';
      return Number((db.prepare(`SELECT ${counted} AS n FROM audit_events WHERE ${where}`).get(...params) as Row).n);
    },
    async query(filter, request) {
      return page(filter, timeBefore(request.cursor, SEQ), request.limit);
    },
    async *stream(filter) {
      // Keyset batches: memory stays at one batch however many events match.
      let before: TimePosition | undefined;
      for (;;) {
        const batch = page(filter, before, STREAM_BATCH);
        yield* batch.items;
        if (!batch.nextCursor) return;
        before = timeBefore(batch.nextCursor, SEQ);
      }
    },
    async purgeBefore(before) {
      return Number(purge.run(before.getTime()).changes);
    },
  };
}
