// Second factors in MongoDB: passkeys, the authenticator app, backup codes and WebAuthn challenges.
import type { ClientSession, Connection } from 'mongoose';
import type { MfaStore, PasskeyRecord, RemoveFactorOutcome, TotpRecord, WebAuthnChallengeRecord } from '../ports.ts';
import type { Models } from './models.ts';
import type { PasskeyDoc, TotpDoc, WebAuthnChallengeDoc } from './mfa-models.ts';
import { isDuplicateKey } from './mongo-errors.ts';
import { op } from './trusted.ts';

function docToPasskey(doc: PasskeyDoc): PasskeyRecord {
  return {
    id: doc._id,
    accountId: doc.accountId,
    publicKey: doc.publicKey,
    counter: doc.counter,
    transports: [...(doc.transports ?? [])],
    deviceType: doc.deviceType,
    backedUp: doc.backedUp,
    name: doc.name,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt ?? null,
  };
}

function docToTotp(doc: TotpDoc): TotpRecord {
  return { accountId: doc._id, sealedSecret: doc.sealedSecret, createdAt: doc.createdAt, lastUsedAt: doc.lastUsedAt ?? null, lastStep: doc.lastStep ?? null };
}

function docToChallenge(doc: WebAuthnChallengeDoc): WebAuthnChallengeRecord {
  return {
    id: doc._id,
    challenge: doc.challenge,
    purpose: doc.purpose as WebAuthnChallengeRecord['purpose'],
    accountId: doc.accountId ?? null,
    interactionUid: doc.interactionUid ?? null,
    data: doc.data ?? null,
    expiresAt: doc.expiresAt,
  };
}

export function createMongoMfaStore(connection: Connection, { Passkey, Totp, BackupCode, WebAuthnChallenge, MfaLock }: Models): MfaStore {
  /*
   * Changes to one account's factors run in a transaction that first bumps the account's lock
   * document: two concurrent changes then write the same document, one of them meets a write
   * conflict and withTransaction runs it again, so the counts it decides on are never stale.
   */
  const locked = <T>(accountId: string, work: (session: ClientSession) => Promise<T>): Promise<T> =>
    connection.transaction(async (session) => {
      await MfaLock.updateOne({ _id: String(accountId) }, { $inc: { version: 1 } }, { upsert: true, session });
      return work(session);
    });

  const factorCount = async (accountId: string, session: ClientSession) => ({
    passkeys: await Passkey.countDocuments({ accountId: String(accountId) }).session(session),
    totp: (await Totp.exists({ _id: String(accountId) }).session(session)) !== null,
  });

  return {
    async addPasskey(passkey, max) {
      try {
        return await locked(passkey.accountId, async (session) => {
          if (await Passkey.exists({ _id: String(passkey.id) }).session(session)) return { ok: false as const, reason: 'duplicate' as const };
          if ((await factorCount(passkey.accountId, session)).passkeys >= max) return { ok: false as const, reason: 'limit' as const };
          const doc: PasskeyDoc = {
            _id: String(passkey.id),
            accountId: String(passkey.accountId),
            publicKey: String(passkey.publicKey),
            counter: Number(passkey.counter),
            transports: passkey.transports.map(String),
            deviceType: passkey.deviceType,
            backedUp: Boolean(passkey.backedUp),
            name: String(passkey.name),
            createdAt: passkey.createdAt,
            lastUsedAt: passkey.lastUsedAt,
          };
          await Passkey.create([doc], { session });
          return { ok: true as const, passkey: docToPasskey(doc) };
        });
      } catch (error) {
        // Another account registered the same credential in between.
        if (isDuplicateKey(error)) return { ok: false, reason: 'duplicate' };
        throw error;
      }
    },
    async listPasskeys(accountId) {
      const docs = await Passkey.find({ accountId: String(accountId) }).sort({ createdAt: 1 }).lean<PasskeyDoc[]>();
      return docs.map(docToPasskey);
    },
    async findPasskey(id) {
      const doc = await Passkey.findById(String(id)).lean<PasskeyDoc>();
      return doc ? docToPasskey(doc) : null;
    },
    async renamePasskey(accountId, id, name) {
      const doc = await Passkey.findOneAndUpdate({ _id: String(id), accountId: String(accountId) }, { $set: { name: String(name) } }, { returnDocument: 'after' }).lean<PasskeyDoc>();
      return doc ? docToPasskey(doc) : null;
    },
    async removePasskey(accountId, id, { keepOne, keepPasskey = false }) {
      return locked(accountId, async (session): Promise<RemoveFactorOutcome> => {
        if (!(await Passkey.exists({ _id: String(id), accountId: String(accountId) }).session(session))) return 'missing';
        const factors = await factorCount(accountId, session);
        const last = factors.passkeys <= 1;
        if (last && (keepPasskey || (keepOne && !factors.totp))) return 'refused';
        await Passkey.deleteOne({ _id: String(id), accountId: String(accountId) }, { session });
        return 'removed';
      });
    },
    async recordPasskeyUse(id, counter, at) {
      await Passkey.updateOne({ _id: String(id) }, { $set: { counter: Number(counter), lastUsedAt: at } });
    },
    async setTotp(totp) {
      try {
        await locked(totp.accountId, async (session) => {
          await Totp.create([{ _id: String(totp.accountId), sealedSecret: String(totp.sealedSecret), createdAt: totp.createdAt, lastUsedAt: totp.lastUsedAt, lastStep: totp.lastStep }], { session });
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async findTotp(accountId) {
      const doc = await Totp.findById(String(accountId)).lean<TotpDoc>();
      return doc ? docToTotp(doc) : null;
    },
    async claimTotpStep(accountId, step, at, resealedSecret) {
      // The replay guard is this filter: of two requests with the same code, one update lands
      // ($not $gte also matches the null of a never-used app).
      const result = await Totp.updateOne(
        { _id: String(accountId), lastStep: op({ $not: { $gte: Number(step) } }) },
        { $set: { lastStep: Number(step), lastUsedAt: at, ...(resealedSecret ? { sealedSecret: String(resealedSecret) } : {}) } },
      );
      return result.modifiedCount > 0;
    },
    async removeTotp(accountId, { keepOne }) {
      return locked(accountId, async (session): Promise<RemoveFactorOutcome> => {
        const factors = await factorCount(accountId, session);
        if (!factors.totp) return 'missing';
        if (keepOne && factors.passkeys === 0) return 'refused';
        await Totp.deleteOne({ _id: String(accountId) }, { session });
        return 'removed';
      });
    },
    async replaceBackupCodes(accountId, codeHashes, at) {
      await locked(accountId, async (session) => {
        await BackupCode.deleteMany({ accountId: String(accountId) }, { session });
        const docs = [...new Set(codeHashes)].map((codeHash) => ({ accountId: String(accountId), codeHash: String(codeHash), createdAt: at, usedAt: null }));
        if (docs.length) await BackupCode.insertMany(docs, { session });
      });
    },
    async useBackupCode(accountId, codeHash, at) {
      const result = await BackupCode.updateOne({ accountId: String(accountId), codeHash: String(codeHash), usedAt: null }, { $set: { usedAt: at } });
      return result.modifiedCount > 0;
    },
    async countBackupCodes(accountId) {
      return BackupCode.countDocuments({ accountId: String(accountId), usedAt: null });
    },
    async removeAll(accountId) {
      return locked(accountId, async (session) => {
        const passkeys = (await Passkey.deleteMany({ accountId: String(accountId) }, { session })).deletedCount;
        const totp = (await Totp.deleteOne({ _id: String(accountId) }, { session })).deletedCount > 0;
        const backupCodes = (await BackupCode.deleteMany({ accountId: String(accountId) }, { session })).deletedCount;
        return { passkeys, totp, backupCodes };
      });
    },
    async createChallenge(challenge) {
      await WebAuthnChallenge.create({
        _id: String(challenge.id),
        challenge: String(challenge.challenge),
        purpose: String(challenge.purpose),
        accountId: challenge.accountId,
        interactionUid: challenge.interactionUid,
        data: challenge.data,
        expiresAt: challenge.expiresAt,
      });
    },
    async takeChallenge(id, now) {
      // Removed as it is read: a challenge answers one ceremony, however many present it.
      const doc = await WebAuthnChallenge.findOneAndDelete({ _id: String(id) }).lean<WebAuthnChallengeDoc>();
      if (!doc) return null;
      return doc.expiresAt.getTime() > now.getTime() ? docToChallenge(doc) : null;
    },
  };
}
