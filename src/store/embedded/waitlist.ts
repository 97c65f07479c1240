// Waitlist requests and the queue in SQLite: confirming, deciding and discarding are each one
// conditional statement (or one transaction), so two callers never both succeed.
import type { DatabaseSync } from 'node:sqlite';
import type { Page, PageRequest, WaitlistEntry, WaitlistFilter, WaitlistStatus, WaitlistStore } from '../ports.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { fromMs, transaction, type Row } from './database.ts';

function rowToEntry(row: Row): WaitlistEntry {
  return {
    id: String(row.id),
    email: String(row.email),
    domain: String(row.domain),
    name: (row.name as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
    ref: (row.ref as string | null) ?? null,
    status: String(row.status) as WaitlistEntry['status'],
    tokenHash: (row.token_hash as string | null) ?? null,
    codeHash: (row.code_hash as string | null) ?? null,
    attempts: Number(row.attempts),
    requestedAt: fromMs(row.requested_at)!,
    expiresAt: fromMs(row.expires_at),
    confirmedAt: fromMs(row.confirmed_at),
    decidedAt: fromMs(row.decided_at),
    decidedBy: (row.decided_by as string | null) ?? null,
    denialReason: (row.denial_reason as string | null) ?? null,
    inviteId: (row.invite_id as string | null) ?? null,
    seq: row.seq === null || row.seq === undefined ? null : Number(row.seq),
  };
}

/** The place after which a page starts (oldest first), or 0 for the first page. */
function seqAfter(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const seq = decodeCursor(cursor);
  if (seq === null) throw new InvalidCursorError();
  return seq;
}

export function createEmbeddedWaitlistStore(db: DatabaseSync): WaitlistStore {
  const insert = db.prepare(`INSERT INTO waitlist (id, email, domain, name, reason, ref, status, token_hash, code_hash, attempts, requested_at, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, 'unconfirmed', ?, ?, 0, ?, ?) RETURNING *`);
  // Unconfirmed requests hold secrets' hashes and an address nobody proved: they go once expired.
  const sweep = db.prepare("DELETE FROM waitlist WHERE status = 'unconfirmed' AND expires_at <= ?");
  const byId = db.prepare('SELECT * FROM waitlist WHERE id = ?');
  const byToken = db.prepare("SELECT * FROM waitlist WHERE token_hash = ? AND status = 'unconfirmed' AND expires_at > ?");
  const attempt = db.prepare('UPDATE waitlist SET attempts = attempts + 1 WHERE id = ? RETURNING attempts');
  const queuedByEmail = db.prepare('SELECT * FROM waitlist WHERE email = ? AND seq IS NOT NULL');
  const enqueue = db.prepare(`UPDATE waitlist SET status = 'pending', confirmed_at = ?, expires_at = NULL, token_hash = NULL, code_hash = NULL,
      seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM waitlist WHERE seq IS NOT NULL)
    WHERE id = ? AND status = 'unconfirmed' AND expires_at > ? RETURNING *`);
  const discard = db.prepare("DELETE FROM waitlist WHERE id = ? AND status = 'unconfirmed'");
  const decide = db.prepare(`UPDATE waitlist SET status = ?, decided_at = ?, decided_by = ?, invite_id = ?, denial_reason = ?
    WHERE id = ? AND status = 'pending' RETURNING *`);
  const counts = db.prepare("SELECT status, COUNT(*) AS n FROM waitlist WHERE status IN ('pending', 'approved', 'denied') GROUP BY status");
  const ahead = db.prepare("SELECT COUNT(*) AS n FROM waitlist WHERE status = 'pending' AND seq < ?");

  return {
    async create(request) {
      sweep.run(request.requestedAt.getTime());
      const row = insert.get(
        request.id,
        request.email,
        request.domain,
        request.name,
        request.reason,
        request.ref,
        request.tokenHash,
        request.codeHash,
        request.requestedAt.getTime(),
        request.expiresAt.getTime(),
      ) as Row;
      return rowToEntry(row);
    },
    async findById(id) {
      const row = byId.get(id) as Row | undefined;
      return row ? rowToEntry(row) : null;
    },
    async findUnconfirmedByTokenHash(tokenHash, now) {
      const row = byToken.get(tokenHash, now.getTime()) as Row | undefined;
      return row ? rowToEntry(row) : null;
    },
    async addAttempt(id) {
      const row = attempt.get(id) as Row | undefined;
      return row ? Number(row.attempts) : 0;
    },
    async confirm(id, now) {
      // One transaction: the email's place in the queue is looked at and taken with no writer between.
      return transaction(db, () => {
        const request = byId.get(id) as Row | undefined;
        if (!request || request.status !== 'unconfirmed' || Number(request.expires_at) <= now.getTime()) return { ok: false, reason: 'gone' } as const;
        const queued = queuedByEmail.get(request.email as string) as Row | undefined;
        if (queued) return { ok: false, reason: 'already_queued', entry: rowToEntry(queued) } as const;
        const row = enqueue.get(now.getTime(), id, now.getTime()) as Row | undefined;
        return row ? ({ ok: true, entry: rowToEntry(row) } as const) : ({ ok: false, reason: 'gone' } as const);
      });
    },
    async discard(id) {
      return Number(discard.run(id).changes) > 0;
    },
    async list(filter: WaitlistFilter, page: PageRequest): Promise<Page<WaitlistEntry>> {
      const conditions: Array<[string, ...(string | number)[]]> = [['seq > ?', seqAfter(page.cursor)]];
      if (filter.status) conditions.push(['status = ?', filter.status]);
      if (filter.domain !== undefined) conditions.push(['domain = ?', filter.domain]);
      // A prefix as a range on the address: no pattern from the caller ever reaches LIKE.
      if (filter.emailPrefix) conditions.push(['email >= ? AND email < ?', filter.emailPrefix, `${filter.emailPrefix}\uffff`]);
      const where = conditions.map(([sql]) => sql).join(' AND ');
      const rows = db.prepare(`SELECT * FROM waitlist WHERE ${where} ORDER BY seq ASC LIMIT ?`).all(...conditions.flatMap(([, ...params]) => params), page.limit + 1) as Row[];
      const items = rows.slice(0, page.limit).map(rowToEntry);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1]!.seq!) : null };
    },
    async decide(id, decision) {
      const row = decide.get(decision.status, decision.at.getTime(), decision.by, decision.inviteId ?? null, decision.denialReason ?? null, id) as Row | undefined;
      return row ? rowToEntry(row) : null;
    },
    async countByStatus() {
      const result: Record<WaitlistStatus, number> = { pending: 0, approved: 0, denied: 0 };
      for (const row of counts.all() as Row[]) result[row.status as WaitlistStatus] = Number(row.n);
      return result;
    },
    async countPendingBefore(seq) {
      return Number((ahead.get(seq) as Row).n);
    },
  };
}
