// Pending sign-ups awaiting their verification codes, in SQLite (expired ones swept as new ones come).
import type { DatabaseSync } from 'node:sqlite';
import type { PendingSignUp, VerificationRecord, VerificationStore } from '../ports.ts';
import { fromMs, json, parseJson, type Row } from './database.ts';

function rowToVerification(row: Row): VerificationRecord {
  return {
    id: String(row.id),
    registration: parseJson<PendingSignUp>(row.registration),
    emailCodeHash: (row.email_code_hash as string | null) ?? null,
    phoneCodeHash: (row.phone_code_hash as string | null) ?? null,
    attempts: Number(row.attempts),
    sends: Number(row.sends),
    lastSentAt: fromMs(row.last_sent_at)!,
    expiresAt: fromMs(row.expires_at)!,
    consumedAt: fromMs(row.consumed_at),
  };
}

export function createEmbeddedVerificationStore(db: DatabaseSync, clock: () => Date = () => new Date()): VerificationStore {
  const insert = db.prepare(`INSERT INTO verifications
    (id, registration, email_code_hash, phone_code_hash, attempts, sends, last_sent_at, expires_at, consumed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare('SELECT * FROM verifications WHERE id = ?');
  const attempt = db.prepare('UPDATE verifications SET attempts = attempts + 1 WHERE id = ? RETURNING attempts');
  const consume = db.prepare('UPDATE verifications SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL');
  // Each rule of a resend sits in the WHERE, so two racing claims never both land.
  const claim = db.prepare(`UPDATE verifications SET sends = sends + 1, last_sent_at = ?, expires_at = ?
    WHERE id = ? AND consumed_at IS NULL AND expires_at > ? AND sends < ? AND last_sent_at <= ?
    RETURNING *`);
  const release = db.prepare('UPDATE verifications SET sends = sends - 1, last_sent_at = ?, expires_at = ? WHERE id = ? AND last_sent_at = ?');
  const setCodes = db.prepare('UPDATE verifications SET email_code_hash = ?, phone_code_hash = ? WHERE id = ? AND last_sent_at = ?');
  // MongoDB drops these with a TTL index; here each new pending sign-up clears out the expired ones
  // (they hold a password hash and code hashes, so they should not outlive their use).
  const sweep = db.prepare('DELETE FROM verifications WHERE expires_at <= ?');

  return {
    async create(record) {
      sweep.run(clock().getTime());
      insert.run(
        record.id,
        json(record.registration),
        record.emailCodeHash,
        record.phoneCodeHash,
        record.attempts,
        record.sends,
        record.lastSentAt.getTime(),
        record.expiresAt.getTime(),
        record.consumedAt ? record.consumedAt.getTime() : null,
      );
      return record;
    },
    async findById(id) {
      const row = byId.get(id) as Row | undefined;
      return row ? rowToVerification(row) : null;
    },
    async addAttempt(id) {
      const row = attempt.get(id) as Row | undefined;
      return row ? Number(row.attempts) : 0;
    },
    async consume(id, now) {
      return Number(consume.run(now.getTime(), id).changes) > 0;
    },
    async claimSend(id, { now, sentBefore, maxSends, expiresAt }) {
      const row = claim.get(now.getTime(), expiresAt.getTime(), id, now.getTime(), maxSends, sentBefore.getTime()) as Row | undefined;
      return row ? rowToVerification(row) : null;
    },
    async releaseSend(id, claimedAt, previous) {
      release.run(previous.lastSentAt.getTime(), previous.expiresAt.getTime(), id, claimedAt.getTime());
    },
    async setCodes(id, codes, sentAt) {
      setCodes.run(codes.emailCodeHash, codes.phoneCodeHash, id, sentAt.getTime());
    },
  };
}
