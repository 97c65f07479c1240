// One newest-first keyset page of a table: the conditions given, below the cursor, one row more
// than asked to know whether another page follows. Shared by every list in the embedded store.
import type { DatabaseSync } from 'node:sqlite';
import type { Page, PageRequest } from '../ports.ts';
import { encodeCursor, seqBefore } from '../cursor.ts';
import type { Row } from './database.ts';

/** A SQL condition with its `?` parameters; undefined entries are skipped (filters not set). */
export type Condition = [sql: string, ...params: (string | number)[]] | undefined;

export function selectNewestFirst(db: DatabaseSync, table: string, conditions: Condition[], beforeSeq: number | undefined, limit: number): Row[] {
  const set = [beforeSeq === undefined ? undefined : (['seq < ?', beforeSeq] as Condition), ...conditions].filter((c): c is NonNullable<Condition> => c !== undefined);
  const where = set.length ? `WHERE ${set.map(([sql]) => sql).join(' AND ')}` : '';
  return db.prepare(`SELECT * FROM ${table} ${where} ORDER BY seq DESC LIMIT ?`).all(...set.flatMap(([, ...params]) => params), limit) as Row[];
}

export function newestFirstPage<T extends { seq: number }>(db: DatabaseSync, table: string, conditions: Condition[], page: PageRequest, toRecord: (row: Row) => T): Page<T> {
  const rows = selectNewestFirst(db, table, conditions, seqBefore(page.cursor), page.limit + 1);
  const items = rows.slice(0, page.limit).map(toRecord);
  return { items, nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1]!.seq) : null };
}
