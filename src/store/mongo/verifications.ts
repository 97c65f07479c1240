// Pending sign-ups awaiting their verification codes, in MongoDB (expired ones dropped by TTL).
import type { VerificationRecord, VerificationStore } from '../ports.ts';
import type { Models, VerificationDoc } from './models.ts';

function docToVerification(doc: VerificationDoc): VerificationRecord {
  return {
    id: doc._id,
    registration: JSON.parse(doc.registration) as Record<string, unknown>,
    emailCodeHash: doc.emailCodeHash ?? null,
    phoneCodeHash: doc.phoneCodeHash ?? null,
    attempts: doc.attempts,
    sends: doc.sends,
    lastSentAt: doc.lastSentAt,
    expiresAt: doc.expiresAt,
    consumedAt: doc.consumedAt ?? null,
  };
}

export function createMongoVerificationStore({ Verification }: Models): VerificationStore {
  return {
    async create(record) {
      await Verification.create({
        _id: String(record.id),
        registration: JSON.stringify(record.registration),
        emailCodeHash: record.emailCodeHash,
        phoneCodeHash: record.phoneCodeHash,
        attempts: record.attempts,
        sends: record.sends,
        lastSentAt: record.lastSentAt,
        expiresAt: record.expiresAt,
        consumedAt: record.consumedAt,
      });
      return record;
    },
    async findById(id) {
      const doc = await Verification.findById(String(id)).lean<VerificationDoc>();
      return doc ? docToVerification(doc) : null;
    },
    async addAttempt(id) {
      const doc = await Verification.findOneAndUpdate({ _id: String(id) }, { $inc: { attempts: 1 } }, { returnDocument: 'after' }).lean<VerificationDoc>();
      return doc ? doc.attempts : 0;
    },
    async consume(id, now) {
      // Conditional on consumedAt being unset: one code can create one account, however many submit it.
      const result = await Verification.updateOne({ _id: String(id), consumedAt: null }, { $set: { consumedAt: now } });
      return result.modifiedCount > 0;
    },
    async replaceCodes(id, codes, now, expiresAt) {
      await Verification.updateOne(
        { _id: String(id) },
        { $set: { emailCodeHash: codes.emailCodeHash, phoneCodeHash: codes.phoneCodeHash, lastSentAt: now, expiresAt }, $inc: { sends: 1 } },
      );
    },
  };
}
