// oidc-provider's sessions, grants, codes and tokens in SQLite, with the lookups its Adapter needs.
import type { DatabaseSync } from 'node:sqlite';
import type { OidcPayloadStore } from '../ports.ts';
import { json, parseJson, type Row } from './database.ts';

/** Payload fields the adapter looks rows up by, each with its own (indexed) column. */
const LOOKUP_FIELDS = [
  ['uid', 'uid'],
  ['userCode', 'user_code'],
  ['grantId', 'grant_id'],
  ['accountId', 'account_id'],
] as const;

export function createEmbeddedOidcPayloadStore(db: DatabaseSync, clock: () => Date): OidcPayloadStore {
  const upsert = db.prepare(`INSERT INTO oidc_payloads (model, id, payload, expires_at, uid, user_code, grant_id, account_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at,
      uid = excluded.uid, user_code = excluded.user_code, grant_id = excluded.grant_id, account_id = excluded.account_id`);
  const COLUMNS = 'payload, consumed_at, expires_at, uid, user_code, grant_id, account_id';
  const find = db.prepare(`SELECT ${COLUMNS} FROM oidc_payloads WHERE model = ? AND id = ?`);
  const byUid = db.prepare(`SELECT ${COLUMNS} FROM oidc_payloads WHERE model = ? AND uid = ?`);
  const byUserCode = db.prepare(`SELECT ${COLUMNS} FROM oidc_payloads WHERE model = ? AND user_code = ?`);
  const consume = db.prepare('UPDATE oidc_payloads SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL');
  const destroy = db.prepare('DELETE FROM oidc_payloads WHERE model = ? AND id = ?');
  const revokeGrant = db.prepare('DELETE FROM oidc_payloads WHERE grant_id = ? AND model = ?');
  const destroyAccount = db.prepare('DELETE FROM oidc_payloads WHERE account_id = ?');
  const sweep = db.prepare('DELETE FROM oidc_payloads WHERE expires_at IS NOT NULL AND expires_at <= ?');
  const byAccount = db.prepare(`SELECT id, ${COLUMNS} FROM oidc_payloads WHERE account_id = ? AND model = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT ?`);
  let writesSinceSweep = 0;

  const load = (row: Row | undefined): Record<string, unknown> | undefined => {
    if (!row) return undefined;
    // Expired rows may linger until the next sweep; they are never handed out.
    if (row.expires_at !== null && Number(row.expires_at) <= clock().getTime()) return undefined;
    const payload = parseJson<Record<string, unknown>>(row.payload);
    for (const [field, column] of LOOKUP_FIELDS) if (row[column] !== null) payload[field] = row[column];
    if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    return payload;
  };

  return {
    async upsert(model, id, payload, expiresAt) {
      // A lookup field lives in its column only, not in the JSON too (about 300 bytes less per
      // session with its grant and token); load() puts it back. Older rows that still carry it in
      // the JSON read the same.
      const stored = { ...payload };
      const column = (key: string) => {
        const value = payload[key];
        if (typeof value !== 'string') return null;
        delete stored[key];
        return value;
      };
      const lookups = LOOKUP_FIELDS.map(([field]) => column(field));
      upsert.run(model, id, json(stored), expiresAt ? expiresAt.getTime() : null, ...lookups);
      if (++writesSinceSweep >= 500) {
        writesSinceSweep = 0;
        sweep.run(clock().getTime());
      }
    },
    async find(model, id) {
      return load(find.get(model, id) as Row | undefined);
    },
    async findByUid(model, uid) {
      return load(byUid.get(model, uid) as Row | undefined);
    },
    async findByUserCode(model, userCode) {
      return load(byUserCode.get(model, userCode) as Row | undefined);
    },
    async consume(model, id, at) {
      return Number(consume.run(at.getTime(), model, id).changes) > 0;
    },
    async destroy(model, id) {
      destroy.run(model, id);
    },
    async revokeByGrantId(model, grantId) {
      revokeGrant.run(grantId, model);
    },
    async destroyByAccountId(accountId) {
      destroyAccount.run(accountId);
    },
    async findByAccountId(model, accountId, limit) {
      const rows = byAccount.all(accountId, model, clock().getTime(), limit) as Row[];
      return rows.map((row) => ({ id: String(row.id), payload: load(row)!, expiresAt: row.expires_at === null ? null : new Date(Number(row.expires_at)) }));
    },
  };
}
