// Recovery codes and links, email-change codes, in SQLite (its own table, created here; ended ones swept as new ones come).
import type { DatabaseSync } from 'node:sqlite';
import type { AccountCodePurpose, AccountCodeRecord, AccountCodeStore } from '../ports.ts';
import { fromMs, toMs, transaction, type Row } from './database.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS account_codes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  purpose TEXT NOT NULL,
  email_key TEXT NOT NULL,
  account_id TEXT,
  new_email TEXT,
  via TEXT NOT NULL,
  code_hash TEXT,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  superseded_at INTEGER,
  verified_at INTEGER,
  reset_token_hash TEXT,
  reset_expires_at INTEGER,
  completed_at INTEGER,
  purge_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS account_codes_email ON account_codes (email_key, purpose, seq);
CREATE INDEX IF NOT EXISTS account_codes_account ON account_codes (account_id, purpose) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS account_codes_reset ON account_codes (reset_token_hash) WHERE reset_token_hash IS NOT NULL;
CREATE INDEX IF NOT EXISTS account_codes_purge ON account_codes (purge_at);
`;

function rowToRecord(row: Row): AccountCodeRecord {
  return {
    id: String(row.id),
    purpose: String(row.purpose) as AccountCodePurpose,
    emailKey: String(row.email_key),
    accountId: (row.account_id as string | null) ?? null,
    newEmail: (row.new_email as string | null) ?? null,
    via: String(row.via) as AccountCodeRecord['via'],
    codeHash: (row.code_hash as string | null) ?? null,
    attempts: Number(row.attempts),
    createdAt: fromMs(row.created_at)!,
    expiresAt: fromMs(row.expires_at)!,
    supersededAt: fromMs(row.superseded_at),
    verifiedAt: fromMs(row.verified_at),
    resetTokenHash: (row.reset_token_hash as string | null) ?? null,
    resetExpiresAt: fromMs(row.reset_expires_at),
    completedAt: fromMs(row.completed_at),
    purgeAt: fromMs(row.purge_at)!,
    seq: Number(row.seq),
  };
}

export function createEmbeddedAccountCodeStore(db: DatabaseSync): AccountCodeStore {
  // The table is this port's own: created here, so the shared schema file stays untouched by it.
  db.exec(SCHEMA);
  const insert = db.prepare(`INSERT INTO account_codes
    (id, purpose, email_key, account_id, new_email, via, code_hash, attempts, created_at, expires_at, superseded_at, verified_at, reset_token_hash, reset_expires_at, completed_at, purge_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const LIVE = 'superseded_at IS NULL AND completed_at IS NULL';
  const supersedeOlder = db.prepare(`UPDATE account_codes SET superseded_at = ?
    WHERE purpose = ? AND seq < ? AND ${LIVE} AND (email_key = ? OR (? IS NOT NULL AND account_id = ?))`);
  const byId = db.prepare('SELECT * FROM account_codes WHERE id = ?');
  const byReset = db.prepare('SELECT * FROM account_codes WHERE reset_token_hash = ?');
  const attach = db.prepare(`UPDATE account_codes SET account_id = ? WHERE id = ? AND account_id IS NULL AND ${LIVE}`);
  const attempt = db.prepare('UPDATE account_codes SET attempts = attempts + 1 WHERE id = ? RETURNING attempts');
  const verify = db.prepare(`UPDATE account_codes SET verified_at = ?, reset_token_hash = ?, reset_expires_at = ?
    WHERE id = ? AND account_id IS NOT NULL AND verified_at IS NULL AND ${LIVE} AND expires_at > ?`);
  const complete = db.prepare(`UPDATE account_codes SET completed_at = ?
    WHERE id = ? AND verified_at IS NOT NULL AND ${LIVE} AND reset_expires_at > ?`);
  const supersedeAccount = db.prepare(`UPDATE account_codes SET superseded_at = ? WHERE account_id = ? AND purpose = ? AND ${LIVE}`);
  // MongoDB drops these with a TTL index; here each new record clears out those past their time.
  const sweep = db.prepare('DELETE FROM account_codes WHERE purge_at <= ?');

  return {
    async create(record, now) {
      // One transaction: the insert and the superseding of the older ones land together.
      return transaction(db, () => {
        sweep.run(now.getTime());
        const row = insert.get(
          record.id,
          record.purpose,
          record.emailKey,
          record.accountId,
          record.newEmail,
          record.via,
          record.codeHash,
          record.attempts,
          record.createdAt.getTime(),
          record.expiresAt.getTime(),
          toMs(record.supersededAt),
          toMs(record.verifiedAt),
          record.resetTokenHash,
          toMs(record.resetExpiresAt),
          toMs(record.completedAt),
          record.purgeAt.getTime(),
        ) as Row;
        supersedeOlder.run(now.getTime(), record.purpose, Number(row.seq), record.emailKey, record.accountId, record.accountId);
        return rowToRecord(row);
      });
    },
    async findById(id) {
      const row = byId.get(id) as Row | undefined;
      return row ? rowToRecord(row) : null;
    },
    async findByResetTokenHash(tokenHash) {
      const row = byReset.get(tokenHash) as Row | undefined;
      return row ? rowToRecord(row) : null;
    },
    async attachAccount(id, accountId) {
      return Number(attach.run(accountId, id).changes) > 0;
    },
    async addAttempt(id) {
      const row = attempt.get(id) as Row | undefined;
      return row ? Number(row.attempts) : 0;
    },
    async markVerified(id, reset, now) {
      return Number(verify.run(now.getTime(), reset.tokenHash, toMs(reset.expiresAt), id, now.getTime()).changes) > 0;
    },
    async complete(id, now) {
      return Number(complete.run(now.getTime(), id, now.getTime()).changes) > 0;
    },
    async supersedeAccount(accountId, purpose, now) {
      return Number(supersedeAccount.run(now.getTime(), accountId, purpose).changes);
    },
  };
}
