// Recovery codes and links, email-change codes, in MongoDB (dropped by a TTL index once past purgeAt).
import type { AccountCodeRecord, AccountCodeStore } from '../ports.ts';
import type { Models } from './models.ts';
import type { AccountCodeDoc } from './account-code-model.ts';
import type { NextSeq } from './sequence.ts';
import { stringEquals } from './oidc-payloads.ts';
import { op } from './trusted.ts';

function docToRecord(doc: AccountCodeDoc): AccountCodeRecord {
  return {
    id: doc._id,
    purpose: doc.purpose,
    emailKey: doc.emailKey,
    accountId: doc.accountId ?? null,
    newEmail: doc.newEmail ?? null,
    via: doc.via,
    codeHash: doc.codeHash ?? null,
    attempts: doc.attempts,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    supersededAt: doc.supersededAt ?? null,
    verifiedAt: doc.verifiedAt ?? null,
    resetTokenHash: doc.resetTokenHash ?? null,
    resetExpiresAt: doc.resetExpiresAt ?? null,
    completedAt: doc.completedAt ?? null,
    purgeAt: doc.purgeAt,
    seq: doc.seq,
  };
}

/** Neither superseded nor spent. */
const LIVE = { supersededAt: null, completedAt: null };

export function createMongoAccountCodeStore({ AccountCode }: Models, nextSeq: NextSeq): AccountCodeStore {
  return {
    async create(record, now) {
      const doc: AccountCodeDoc = {
        _id: String(record.id),
        purpose: record.purpose,
        emailKey: String(record.emailKey),
        accountId: record.accountId === null ? null : String(record.accountId),
        newEmail: record.newEmail === null ? null : String(record.newEmail),
        via: record.via,
        codeHash: record.codeHash,
        attempts: record.attempts,
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
        supersededAt: record.supersededAt,
        verifiedAt: record.verifiedAt,
        resetTokenHash: record.resetTokenHash,
        resetExpiresAt: record.resetExpiresAt,
        completedAt: record.completedAt,
        purgeAt: record.purgeAt,
        seq: await nextSeq('account_codes'),
      };
      await AccountCode.create(doc);
      // Inserted first, then everything older superseded: of two racing requests, the higher seq
      // supersedes the lower and never the other way round, so exactly the newest stays live.
      await AccountCode.updateMany({ emailKey: doc.emailKey, purpose: doc.purpose, seq: op({ $lt: doc.seq }), ...LIVE }, { $set: { supersededAt: now } });
      if (doc.accountId !== null) {
        await AccountCode.updateMany({ accountId: stringEquals(doc.accountId), purpose: doc.purpose, seq: op({ $lt: doc.seq }), ...LIVE }, { $set: { supersededAt: now } });
      }
      return docToRecord(doc);
    },
    async findById(id) {
      const doc = await AccountCode.findById(String(id)).lean<AccountCodeDoc>();
      return doc ? docToRecord(doc) : null;
    },
    async findByResetTokenHash(tokenHash) {
      const doc = await AccountCode.findOne({ resetTokenHash: stringEquals(tokenHash) }).lean<AccountCodeDoc>();
      return doc ? docToRecord(doc) : null;
    },
    async attachAccount(id, accountId) {
      const result = await AccountCode.updateOne({ _id: String(id), accountId: null, ...LIVE }, { $set: { accountId: String(accountId) } });
      return result.modifiedCount > 0;
    },
    async addAttempt(id) {
      const doc = await AccountCode.findOneAndUpdate({ _id: String(id) }, { $inc: { attempts: 1 } }, { returnDocument: 'after' }).lean<AccountCodeDoc>();
      return doc ? doc.attempts : 0;
    },
    async markVerified(id, reset, now) {
      // Every rule in the filter of one update: of racing right answers, one lands.
      const result = await AccountCode.updateOne(
        { _id: String(id), accountId: op({ $type: 'string' as const }), verifiedAt: null, ...LIVE, expiresAt: op({ $gt: now }) },
        { $set: { verifiedAt: now, resetTokenHash: reset.tokenHash, resetExpiresAt: reset.expiresAt } },
      );
      return result.modifiedCount > 0;
    },
    async complete(id, now) {
      const result = await AccountCode.updateOne(
        { _id: String(id), verifiedAt: op({ $ne: null }), ...LIVE, resetExpiresAt: op({ $gt: now }) },
        { $set: { completedAt: now } },
      );
      return result.modifiedCount > 0;
    },
    async supersedeAccount(accountId, purpose, now) {
      const result = await AccountCode.updateMany({ accountId: stringEquals(accountId), purpose, ...LIVE }, { $set: { supersededAt: now } });
      return result.modifiedCount;
    },
  };
}
