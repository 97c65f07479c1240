// Audit events in SQLite: append-only, queried newest first through indexed filters.
import type { DatabaseSync } from 'node:sqlite';
import type { AuditCountQuery, AuditEvent, AuditFilter, AuditStore } from '../ports.ts';
import { newestFirstPage, selectNewestFirst, type Condition } from './newest-first-page.ts';
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
    seq: Number(row.seq),
  };
}

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
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`);
  const purge = db.prepare('DELETE FROM audit_events WHERE at < ?');

  const fetch = (filter: AuditFilter, before: number | undefined, limit: number): AuditEvent[] =>
    selectNewestFirst(db, 'audit_events', conditions(filter), before, limit).map(rowToEvent);

  return {
    async append(event) {
      const row = insert.get(
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
      ) as Row;
      return { ...event, seq: Number(row.seq) };
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
    async query(filter, page) {
      return newestFirstPage(db, 'audit_events', conditions(filter), page, rowToEvent);
    },
    async *stream(filter) {
      // Keyset batches: memory stays at one batch however many events match.
      let before: number | undefined;
      for (;;) {
        const batch = fetch(filter, before, STREAM_BATCH);
        yield* batch;
        if (batch.length < STREAM_BATCH) return;
        before = batch[batch.length - 1]!.seq;
      }
    },
    async purgeBefore(before) {
      return Number(purge.run(before.getTime()).changes);
    },
  };
}
