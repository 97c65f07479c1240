// The audit-query figure: 1,000,000 events seeded straight into an embedded store, then filtered
// queries through the store port (what GET /admin/audit runs), timed one by one.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openDatabase, transaction } from '../src/store/embedded/database.ts';
import { createEmbeddedStore } from '../src/store/embedded/index.ts';
import type { AuditFilter } from '../src/store/ports.ts';

const TYPES = ['invite.created', 'invite.sent', 'invite.viewed', 'invite.redeemed', 'registration.succeeded', 'registration.failed', 'login.succeeded', 'login.failed', 'security.alert'];

export async function seedAuditEvents(dataDir: string, count: number, progress: (message: string) => void): Promise<void> {
  const db = openDatabase(join(dataDir, 'guestlist.db'));
  const insert = db.prepare(`INSERT INTO audit_events (id, type, at, actor, invite_id, account_id, ip, user_agent, request_id, reason, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const start = Date.now() - 300 * 24 * 3600 * 1000;
  const step = (300 * 24 * 3600 * 1000) / count;
  const batch = 20_000;
  for (let done = 0; done < count; done += batch) {
    transaction(db, () => {
      for (let i = done; i < Math.min(count, done + batch); i++) {
        insert.run(randomUUID(), TYPES[i % TYPES.length]!, Math.floor(start + i * step), `acct-${i % 5000}`, `inv-${i % 100_000}`, `acct-${i % 5000}`, `10.0.${(i >> 8) % 256}.${i % 256}`, 'bench/1.0', null, null, null);
      }
    });
    if ((done / batch) % 10 === 0) progress(`audit: seeded ${done + batch} events`);
  }
  db.close();
}

export async function timeAuditQueries(dataDir: string, queries: number): Promise<{ p50: number; p95: number; max: number }> {
  const store = createEmbeddedStore({ dataDir });
  const now = Date.now();
  const filters: ((i: number) => AuditFilter)[] = [
    (i) => ({ type: TYPES[i % TYPES.length] }),
    (i) => ({ actor: `acct-${(i * 37) % 5000}` }),
    (i) => ({ inviteId: `inv-${(i * 101) % 100_000}` }),
    (i) => ({ ip: `10.0.${i % 256}.${(i * 7) % 256}` }),
    (i) => ({ type: 'login.failed', since: new Date(now - ((i % 30) + 1) * 24 * 3600 * 1000) }),
    (i) => ({ type: 'invite.redeemed', actor: `acct-${(i * 13) % 5000}` }),
  ];
  const timings: number[] = [];
  try {
    for (let i = 0; i < queries; i++) {
      const filter = filters[i % filters.length]!(i);
      const started = performance.now();
      const page = await store.audit.query(filter, { limit: 50 });
      // Fetch a second page too where there is one: cursors are part of every real listing.
      if (page.nextCursor && i % 2 === 0) await store.audit.query(filter, { limit: 50, cursor: page.nextCursor });
      timings.push(performance.now() - started);
    }
  } finally {
    await store.close();
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: timings[timings.length - 1]! };
}
