// Admin console sessions in SQLite; ended ones are swept as new ones start.
import type { DatabaseSync } from 'node:sqlite';
import type { ConsoleSessionRecord, ConsoleSessionStore } from '../ports.ts';
import { fromMs, type Row } from './database.ts';

function rowToSession(row: Row): ConsoleSessionRecord {
  return {
    id: String(row.id),
    secretHash: String(row.secret_hash),
    accountId: String(row.account_id),
    createdAt: fromMs(row.created_at)!,
    lastSeenAt: fromMs(row.last_seen_at)!,
    expiresAt: fromMs(row.expires_at)!,
  };
}

export function createEmbeddedConsoleSessionStore(db: DatabaseSync): ConsoleSessionStore {
  const insert = db.prepare('INSERT INTO console_sessions (id, secret_hash, account_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM console_sessions WHERE id = ?');
  const touch = db.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE id = ? AND expires_at > ? AND last_seen_at > ?');
  const remove = db.prepare('DELETE FROM console_sessions WHERE id = ?');
  const removeAccount = db.prepare('DELETE FROM console_sessions WHERE account_id = ?');
  // Past their absolute end: nothing can revive them (an idle one is refused by touch, then by this).
  const sweep = db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?');

  return {
    async create(session) {
      sweep.run(session.createdAt.getTime());
      insert.run(session.id, session.secretHash, session.accountId, session.createdAt.getTime(), session.lastSeenAt.getTime(), session.expiresAt.getTime());
    },
    async find(id) {
      const row = byId.get(id) as Row | undefined;
      return row ? rowToSession(row) : null;
    },
    async touch(id, now, idleMs) {
      return Number(touch.run(now.getTime(), id, now.getTime(), now.getTime() - idleMs).changes) > 0;
    },
    async delete(id) {
      remove.run(id);
    },
    async deleteByAccountId(accountId) {
      return Number(removeAccount.run(accountId).changes);
    },
  };
}
