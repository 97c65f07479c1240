// Accounts in MongoDB, including the transaction that redeems an invite into an account.
import type { ClientSession, Connection, QueryFilter } from 'mongoose';
import { EmailTakenError, type AccountPatch, type AccountRecord, type AccountStore, type NewAccount, type RedeemOutcome } from '../ports.ts';
import { encodeCursor, seqBefore } from '../cursor.ts';
import type { AccountDoc, InviteDoc, Models } from './models.ts';
import { claimableFilter, docToInvite } from './invites.ts';
import { isDuplicateKey } from './mongo-errors.ts';
import type { NextSeq } from './sequence.ts';
import { op } from './trusted.ts';

function docToAccount(doc: AccountDoc): AccountRecord {
  return {
    id: doc._id,
    email: doc.email,
    emailVerified: doc.emailVerified,
    passwordHash: doc.passwordHash ?? null,
    phoneNumber: doc.phoneNumber ?? null,
    phoneNumberVerified: doc.phoneNumberVerified,
    roles: [...(doc.roles ?? [])],
    inviteId: doc.inviteId ?? null,
    invitedBy: doc.invitedBy ?? null,
    createdAt: doc.createdAt,
    disabled: doc.disabled,
    inviteQuota: doc.inviteQuota ?? null,
    seq: doc.seq,
  };
}

function accountToDoc(account: NewAccount, seq: number): AccountDoc {
  return {
    _id: String(account.id),
    email: String(account.email),
    emailVerified: account.emailVerified,
    passwordHash: account.passwordHash,
    phoneNumber: account.phoneNumber,
    phoneNumberVerified: account.phoneNumberVerified,
    roles: [...account.roles],
    inviteId: account.inviteId,
    invitedBy: account.invitedBy,
    createdAt: account.createdAt,
    disabled: account.disabled,
    inviteQuota: account.inviteQuota,
    seq,
  };
}

export function createMongoAccountStore(connection: Connection, { Account, Invite, Redemption }: Models, nextSeq: NextSeq): AccountStore {
  const insert = async (doc: AccountDoc, session?: ClientSession) => {
    try {
      await Account.create([doc], session ? { session } : {});
    } catch (error) {
      if (isDuplicateKey(error, 'email')) throw new EmailTakenError();
      throw error;
    }
  };

  return {
    async create(account) {
      const doc = accountToDoc(account, await nextSeq('accounts'));
      await insert(doc);
      return docToAccount(doc);
    },
    async createRedeemingInvite(account, inviteId, redemption, now): Promise<RedeemOutcome> {
      // Taken outside the transaction: a hot counter inside it would make every sign-up conflict.
      const doc = accountToDoc(account, await nextSeq('accounts'));
      try {
        // A multi-document transaction (MongoDB must run as a replica set; a single-node one is
        // enough): the claimed use, the account and the redemption commit together or not at all.
        // withTransaction retries on write conflicts, so racers for the last use re-read the
        // invite and find it gone.
        return await connection.transaction(async (session): Promise<RedeemOutcome> => {
          if (await Account.exists({ email: doc.email }).session(session)) return { ok: false, reason: 'email_taken' };
          const claimed = await Invite.findOneAndUpdate(claimableFilter(inviteId, now), { $inc: { uses: 1 } }, { session, returnDocument: 'after' }).lean<InviteDoc>();
          if (!claimed) return { ok: false, reason: 'invite_unavailable' };
          await insert(doc, session);
          await Redemption.create([{ inviteId: claimed._id, accountId: doc._id, email: doc.email, at: now, ip: redemption.ip }], { session });
          return { ok: true, account: docToAccount(doc), invite: docToInvite(claimed) };
        });
      } catch (error) {
        // Another sign-up took the email between our check and our insert: the transaction,
        // and with it the claimed use, was rolled back.
        if (error instanceof EmailTakenError || isDuplicateKey(error, 'email')) return { ok: false, reason: 'email_taken' };
        throw error;
      }
    },
    async takeOverRedeemingInvite(takeover, inviteId, redemption, now): Promise<RedeemOutcome> {
      // One transaction, as a redemption: the claimed use, the taken-over account and the
      // redemption record commit together, and only while the account holds the email unproven.
      return connection.transaction(async (session): Promise<RedeemOutcome> => {
        const holder = { _id: String(takeover.accountId), email: String(takeover.email), emailVerified: false };
        if (!(await Account.exists(holder).session(session))) return { ok: false, reason: 'email_taken' };
        const claimed = await Invite.findOneAndUpdate(claimableFilter(inviteId, now), { $inc: { uses: 1 } }, { session, returnDocument: 'after' }).lean<InviteDoc>();
        if (!claimed) return { ok: false, reason: 'invite_unavailable' };
        const doc = await Account.findOneAndUpdate(
          holder,
          {
            $set: {
              passwordHash: String(takeover.passwordHash),
              emailVerified: true,
              roles: takeover.roles.map(String),
              inviteId: claimed._id,
              invitedBy: takeover.invitedBy === null ? null : String(takeover.invitedBy),
              phoneNumber: takeover.phoneNumber === null ? null : String(takeover.phoneNumber),
              phoneNumberVerified: Boolean(takeover.phoneNumberVerified),
            },
          },
          { session, returnDocument: 'after' },
        ).lean<AccountDoc>();
        if (!doc) throw new Error('account changed during its takeover');
        await Redemption.create([{ inviteId: claimed._id, accountId: doc._id, email: doc.email, at: now, ip: redemption.ip }], { session });
        return { ok: true, account: docToAccount(doc), invite: docToInvite(claimed) };
      });
    },
    async findById(id) {
      const doc = await Account.findById(String(id)).lean<AccountDoc>();
      return doc ? docToAccount(doc) : null;
    },
    async findByEmail(email) {
      const doc = await Account.findOne({ email: String(email) }).lean<AccountDoc>();
      return doc ? docToAccount(doc) : null;
    },
    async list(filter, page) {
      const query: QueryFilter<AccountDoc> = {};
      const before = seqBefore(page.cursor);
      if (before !== undefined) query.seq = op({ $lt: before });
      if (filter.email !== undefined) query.email = String(filter.email);
      if (filter.inviteId !== undefined) query.inviteId = String(filter.inviteId);
      if (filter.invitedBy !== undefined) query.invitedBy = String(filter.invitedBy);
      if (filter.disabled !== undefined) query.disabled = Boolean(filter.disabled);
      // An array field matched by one scalar: MongoDB reads it as "holds this role".
      if (filter.role !== undefined) query.roles = String(filter.role);
      if (filter.ids !== undefined) query._id = op({ $in: filter.ids.map(String) });
      const docs = await Account.find(query).sort({ seq: -1 }).limit(page.limit + 1).lean<AccountDoc[]>();
      const items = docs.slice(0, page.limit).map(docToAccount);
      return { items, nextCursor: docs.length > page.limit ? encodeCursor(items[items.length - 1]!.seq) : null };
    },
    async update(id, patch: AccountPatch) {
      // Only the patchable fields are copied: the patch object itself never reaches the update.
      const set: Partial<AccountDoc> = {};
      if (patch.disabled !== undefined) set.disabled = Boolean(patch.disabled);
      if (patch.emailVerified !== undefined) set.emailVerified = Boolean(patch.emailVerified);
      if (patch.inviteQuota !== undefined) set.inviteQuota = patch.inviteQuota === null ? null : Number(patch.inviteQuota);
      if (patch.roles !== undefined) set.roles = patch.roles.map(String);
      if (patch.passwordHash !== undefined) set.passwordHash = patch.passwordHash === null ? null : String(patch.passwordHash);
      if (patch.email !== undefined) set.email = String(patch.email);
      if (!Object.keys(set).length) return this.findById(id);
      try {
        const doc = await Account.findOneAndUpdate({ _id: String(id) }, { $set: set }, { returnDocument: 'after' }).lean<AccountDoc>();
        return doc ? docToAccount(doc) : null;
      } catch (error) {
        // The unique email index refused it: another account holds the address.
        if (isDuplicateKey(error, 'email')) throw new EmailTakenError();
        throw error;
      }
    },
    async delete(id) {
      const result = await Account.deleteOne({ _id: String(id) });
      return result.deletedCount > 0;
    },
  };
}
