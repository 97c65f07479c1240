// Second factors in SQLite: passkeys, the authenticator app, backup codes and WebAuthn challenges.
import type { DatabaseSync } from 'node:sqlite';
import type { MfaStore, PasskeyRecord, TotpRecord, WebAuthnChallengeRecord } from '../ports.ts';
import { fromMs, json, parseJson, transaction, type Row } from './database.ts';

/** Its own tables, created here (IF NOT EXISTS), so a database made before second factors gains them at open. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS passkeys (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL,
  device_type TEXT NOT NULL,
  backed_up INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX IF NOT EXISTS passkeys_account ON passkeys (account_id, seq);

CREATE TABLE IF NOT EXISTS totp_factors (
  account_id TEXT PRIMARY KEY,
  sealed_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  last_step INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS backup_codes (
  account_id TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (account_id, code_hash)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS webauthn_challenges (
  id TEXT PRIMARY KEY,
  challenge TEXT NOT NULL,
  purpose TEXT NOT NULL,
  account_id TEXT,
  interaction_uid TEXT,
  data TEXT,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS webauthn_challenges_expiry ON webauthn_challenges (expires_at);
`;

function rowToPasskey(row: Row): PasskeyRecord {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    publicKey: String(row.public_key),
    counter: Number(row.counter),
    transports: parseJson<string[]>(row.transports),
    deviceType: row.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: row.backed_up === 1,
    name: String(row.name),
    createdAt: fromMs(row.created_at)!,
    lastUsedAt: fromMs(row.last_used_at),
  };
}

function rowToTotp(row: Row): TotpRecord {
  return {
    accountId: String(row.account_id),
    sealedSecret: String(row.sealed_secret),
    createdAt: fromMs(row.created_at)!,
    lastUsedAt: fromMs(row.last_used_at),
    lastStep: row.last_step === null || row.last_step === undefined ? null : Number(row.last_step),
  };
}

function rowToChallenge(row: Row): WebAuthnChallengeRecord {
  return {
    id: String(row.id),
    challenge: String(row.challenge),
    purpose: String(row.purpose) as WebAuthnChallengeRecord['purpose'],
    accountId: (row.account_id as string | null) ?? null,
    interactionUid: (row.interaction_uid as string | null) ?? null,
    data: (row.data as string | null) ?? null,
    expiresAt: fromMs(row.expires_at)!,
  };
}

export function createEmbeddedMfaStore(db: DatabaseSync, clock: () => Date = () => new Date()): MfaStore {
  db.exec(SCHEMA);
  const countPasskeys = db.prepare('SELECT COUNT(*) AS n FROM passkeys WHERE account_id = ?');
  const passkeyExists = db.prepare('SELECT 1 FROM passkeys WHERE id = ?');
  const insertPasskey = db.prepare(`INSERT INTO passkeys
    (id, account_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const listPasskeys = db.prepare('SELECT * FROM passkeys WHERE account_id = ? ORDER BY seq');
  const findPasskey = db.prepare('SELECT * FROM passkeys WHERE id = ?');
  const renamePasskey = db.prepare('UPDATE passkeys SET name = ? WHERE account_id = ? AND id = ? RETURNING *');
  const deletePasskey = db.prepare('DELETE FROM passkeys WHERE account_id = ? AND id = ?');
  const usePasskey = db.prepare('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?');
  const hasTotp = db.prepare('SELECT 1 FROM totp_factors WHERE account_id = ?');
  const insertTotp = db.prepare('INSERT INTO totp_factors (account_id, sealed_secret, created_at, last_used_at, last_step) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO NOTHING');
  const findTotp = db.prepare('SELECT * FROM totp_factors WHERE account_id = ?');
  // The replay guard is this WHERE: of two requests with the same code, one update lands.
  const claimStep = db.prepare('UPDATE totp_factors SET last_step = ?, last_used_at = ?, sealed_secret = COALESCE(?, sealed_secret) WHERE account_id = ? AND (last_step IS NULL OR last_step < ?)');
  const deleteTotp = db.prepare('DELETE FROM totp_factors WHERE account_id = ?');
  const deleteCodes = db.prepare('DELETE FROM backup_codes WHERE account_id = ?');
  const insertCode = db.prepare('INSERT INTO backup_codes (account_id, code_hash, created_at, used_at) VALUES (?, ?, ?, NULL)');
  const useCode = db.prepare('UPDATE backup_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at IS NULL');
  const countCodes = db.prepare('SELECT COUNT(*) AS n FROM backup_codes WHERE account_id = ? AND used_at IS NULL');
  const countAllCodes = db.prepare('SELECT COUNT(*) AS n FROM backup_codes WHERE account_id = ?');
  const deleteAllPasskeys = db.prepare('DELETE FROM passkeys WHERE account_id = ?');
  const insertChallenge = db.prepare('INSERT INTO webauthn_challenges (id, challenge, purpose, account_id, interaction_uid, data, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const takeChallenge = db.prepare('DELETE FROM webauthn_challenges WHERE id = ? RETURNING *');
  // MongoDB drops these with a TTL index; here each new ceremony clears out the expired ones.
  const sweepChallenges = db.prepare('DELETE FROM webauthn_challenges WHERE expires_at <= ?');

  const count = (statement: ReturnType<DatabaseSync['prepare']>, accountId: string) => Number((statement.get(accountId) as Row).n);

  return {
    async addPasskey(passkey, max) {
      // Counted and inserted under one write lock: two racing adds never pass the limit together.
      return transaction(db, () => {
        if (passkeyExists.get(passkey.id)) return { ok: false as const, reason: 'duplicate' as const };
        if (count(countPasskeys, passkey.accountId) >= max) return { ok: false as const, reason: 'limit' as const };
        const row = insertPasskey.get(
          passkey.id,
          passkey.accountId,
          passkey.publicKey,
          passkey.counter,
          json(passkey.transports),
          passkey.deviceType,
          passkey.backedUp ? 1 : 0,
          passkey.name,
          passkey.createdAt.getTime(),
          passkey.lastUsedAt ? passkey.lastUsedAt.getTime() : null,
        ) as Row;
        return { ok: true as const, passkey: rowToPasskey(row) };
      });
    },
    async listPasskeys(accountId) {
      return (listPasskeys.all(accountId) as Row[]).map(rowToPasskey);
    },
    async findPasskey(id) {
      const row = findPasskey.get(id) as Row | undefined;
      return row ? rowToPasskey(row) : null;
    },
    async renamePasskey(accountId, id, name) {
      const row = renamePasskey.get(name, accountId, id) as Row | undefined;
      return row ? rowToPasskey(row) : null;
    },
    async removePasskey(accountId, id, { keepOne, keepPasskey = false }) {
      return transaction(db, () => {
        const existing = findPasskey.get(id) as Row | undefined;
        if (!existing || existing.account_id !== accountId) return 'missing' as const;
        const last = count(countPasskeys, accountId) <= 1;
        if (last && (keepPasskey || (keepOne && !hasTotp.get(accountId)))) return 'refused' as const;
        deletePasskey.run(accountId, id);
        return 'removed' as const;
      });
    },
    async recordPasskeyUse(id, counter, at) {
      usePasskey.run(counter, at.getTime(), id);
    },
    async setTotp(totp) {
      const result = insertTotp.run(totp.accountId, totp.sealedSecret, totp.createdAt.getTime(), totp.lastUsedAt ? totp.lastUsedAt.getTime() : null, totp.lastStep);
      return Number(result.changes) > 0;
    },
    async findTotp(accountId) {
      const row = findTotp.get(accountId) as Row | undefined;
      return row ? rowToTotp(row) : null;
    },
    async claimTotpStep(accountId, step, at, resealedSecret) {
      return Number(claimStep.run(step, at.getTime(), resealedSecret ?? null, accountId, step).changes) > 0;
    },
    async removeTotp(accountId, { keepOne }) {
      return transaction(db, () => {
        if (!hasTotp.get(accountId)) return 'missing' as const;
        if (keepOne && count(countPasskeys, accountId) === 0) return 'refused' as const;
        deleteTotp.run(accountId);
        return 'removed' as const;
      });
    },
    async replaceBackupCodes(accountId, codeHashes, at) {
      transaction(db, () => {
        deleteCodes.run(accountId);
        for (const hash of new Set(codeHashes)) insertCode.run(accountId, hash, at.getTime());
      });
    },
    async useBackupCode(accountId, codeHash, at) {
      return Number(useCode.run(at.getTime(), accountId, codeHash).changes) > 0;
    },
    async countBackupCodes(accountId) {
      return count(countCodes, accountId);
    },
    async removeAll(accountId) {
      return transaction(db, () => {
        const backupCodes = count(countAllCodes, accountId);
        const passkeys = Number(deleteAllPasskeys.run(accountId).changes);
        const totp = Number(deleteTotp.run(accountId).changes) > 0;
        deleteCodes.run(accountId);
        return { passkeys, totp, backupCodes };
      });
    },
    async createChallenge(challenge) {
      sweepChallenges.run(clock().getTime());
      insertChallenge.run(challenge.id, challenge.challenge, challenge.purpose, challenge.accountId, challenge.interactionUid, challenge.data, challenge.expiresAt.getTime());
    },
    async takeChallenge(id, now) {
      const row = takeChallenge.get(id) as Row | undefined;
      if (!row) return null;
      const challenge = rowToChallenge(row);
      return challenge.expiresAt.getTime() > now.getTime() ? challenge : null;
    },
  };
}
