// Store bytes per active session: after the sign-in phase, the transient rows (finished
// interactions, spent codes) go, the file is compacted, and SQLite's own page accounting
// (dbstat) says what the sessions, grants and tokens occupy, indexes included.
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';

export function sessionFootprint(dataDir: string): { sessions: number; bytes: number; perSession: number; rows: Record<string, number>; byName: Record<string, number> } {
  const db = new DatabaseSync(join(dataDir, 'guestlist.db'));
  try {
    db.exec("DELETE FROM oidc_payloads WHERE model IN ('Interaction', 'AuthorizationCode')");
    db.exec('VACUUM');
    const rows: Record<string, number> = {};
    for (const row of db.prepare('SELECT model, COUNT(*) AS n FROM oidc_payloads GROUP BY model').all() as { model: string; n: number }[]) rows[row.model] = Number(row.n);
    const sessions = rows.Session ?? 0;
    const { bytes } = db.prepare("SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = 'oidc_payloads' OR name LIKE 'oidc\\_%' ESCAPE '\\'").get() as { bytes: number };
    // Per table and index, so a change to the schema shows where the bytes went.
    const byName: Record<string, number> = {};
    for (const row of db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name = 'oidc_payloads' OR name LIKE 'oidc\\_%' ESCAPE '\\' GROUP BY name").all() as { name: string; bytes: number }[]) byName[row.name] = Number(row.bytes);
    return { sessions, bytes: Number(bytes), perSession: sessions ? Number(bytes) / sessions : NaN, rows, byName };
  } finally {
    db.close();
  }
}
