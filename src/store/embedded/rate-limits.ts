// Fixed-window counters in SQLite; one UPSERT per hit keeps them atomic across processes.
import type { DatabaseSync } from 'node:sqlite';
import type { RateLimitStore } from '../ports.ts';
import { type Row } from './database.ts';

export function createEmbeddedRateLimitStore(db: DatabaseSync): RateLimitStore {
  // A window that has ended restarts at 1; otherwise the count goes up by one.
  const hit = db.prepare(`INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, ?)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.reset_at <= ? THEN 1 ELSE rate_limits.count + 1 END,
      reset_at = CASE WHEN rate_limits.reset_at <= ? THEN excluded.reset_at ELSE rate_limits.reset_at END
    RETURNING count, reset_at`);
  // The same upsert, held back by its WHERE when the live window is full: no row comes back then.
  const take = db.prepare(`INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, ?)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.reset_at <= ? THEN 1 ELSE rate_limits.count + 1 END,
      reset_at = CASE WHEN rate_limits.reset_at <= ? THEN excluded.reset_at ELSE rate_limits.reset_at END
    WHERE rate_limits.reset_at <= ? OR rate_limits.count < ?
    RETURNING count, reset_at`);
  const giveBack = db.prepare('UPDATE rate_limits SET count = count - 1 WHERE key = ? AND count > 0 AND reset_at > ?');
  const peek = db.prepare('SELECT count, reset_at FROM rate_limits WHERE key = ?');
  const reset = db.prepare('DELETE FROM rate_limits WHERE key = ?');
  const once = db.prepare(`INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, ?)
    ON CONFLICT (key) DO UPDATE SET count = 1, reset_at = excluded.reset_at WHERE rate_limits.reset_at <= ?`);
  const sweep = db.prepare('DELETE FROM rate_limits WHERE reset_at <= ?');
  let hitsSinceSweep = 0;

  return {
    async hit(key, windowMs, now) {
      const t = now.getTime();
      const row = hit.get(key, t + windowMs, t, t) as Row;
      // Ended windows are dead rows; clear them now and then so the table stays small.
      if (++hitsSinceSweep >= 1000) {
        hitsSinceSweep = 0;
        sweep.run(t);
      }
      return { count: Number(row.count), resetAt: new Date(Number(row.reset_at)) };
    },
    async take(key, limit, windowMs, now) {
      const t = now.getTime();
      // A limit below 1 admits nobody (a fresh key would otherwise be inserted at 1).
      const row = limit >= 1 ? (take.get(key, t + windowMs, t, t, t, limit) as Row | undefined) : undefined;
      if (row) return { taken: true, count: Number(row.count), resetAt: new Date(Number(row.reset_at)) };
      const full = peek.get(key) as Row | undefined;
      return { taken: false, count: full ? Number(full.count) : 0, resetAt: new Date(full ? Number(full.reset_at) : t + windowMs) };
    },
    async giveBack(key, now) {
      giveBack.run(key, now.getTime());
    },
    async peek(key, now) {
      const row = peek.get(key) as Row | undefined;
      if (!row || Number(row.reset_at) <= now.getTime()) return { count: 0, resetAt: null };
      return { count: Number(row.count), resetAt: new Date(Number(row.reset_at)) };
    },
    async reset(key) {
      reset.run(key);
    },
    async once(key, windowMs, now) {
      const t = now.getTime();
      return Number(once.run(key, t + windowMs, t).changes) > 0;
    },
  };
}
