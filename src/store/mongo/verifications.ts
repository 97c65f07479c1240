// Pending sign-ups awaiting their verification codes, in MongoDB (expired ones dropped by TTL).
import type { PendingSignUp, VerificationRecord, VerificationStore } from '../ports.ts';
import type { Models, VerificationDoc } from './models.ts';
import { op } from './trusted.ts';

function docToVerification(doc: VerificationDoc): VerificationRecord {
  return {
    id: doc._id,
    registration: JSON.parse(doc.registration) as PendingSignUp,
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
    async claimSend(id, { now, sentBefore, maxSends, expiresAt }) {
      // Each rule of a resend sits in the filter of one update, so two racing claims never both land.
      const doc = await Verification.findOneAndUpdate(
        { _id: String(id), consumedAt: null, expiresAt: op({ $gt: now }), sends: op({ $lt: maxSends }), lastSentAt: op({ $lte: sentBefore }) },
        { $inc: { sends: 1 }, $set: { lastSentAt: now, expiresAt } },
        { returnDocument: 'after' },
      ).lean<VerificationDoc>();
      return doc ? docToVerification(doc) : null;
    },
    async releaseSend(id, claimedAt, previous) {
      await Verification.updateOne(
        { _id: String(id), lastSentAt: claimedAt },
        { $inc: { sends: -1 }, $set: { lastSentAt: previous.lastSentAt, expiresAt: previous.expiresAt } },
      );
    },
    async setCodes(id, codes, sentAt) {
      await Verification.updateOne({ _id: String(id), lastSentAt: sentAt }, { $set: { emailCodeHash: codes.emailCodeHash, phoneCodeHash: codes.phoneCodeHash } });
    },
  };
}
