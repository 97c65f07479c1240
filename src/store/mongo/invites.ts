// Invites and their redemptions in MongoDB: each state change is one conditional findOneAndUpdate.
import type { Connection, QueryFilter } from 'mongoose';
import type { DayCount, InviteFilter, InviteRecord, InviteStatus, InviteStore, NewInvite } from '../ports.ts';
import { encodeCursor, seqBefore } from '../cursor.ts';
import type { InviteDoc, Models } from './models.ts';
import type { NextSeq } from './sequence.ts';
import { op } from './trusted.ts';

export function docToInvite(doc: InviteDoc): InviteRecord {
  return {
    id: doc._id,
    tokenHash: doc.tokenHash,
    email: doc.email ?? null,
    uses: doc.uses,
    maxUses: doc.maxUses,
    expiresAt: doc.expiresAt,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    clientId: doc.clientId ?? null,
    roles: [...(doc.roles ?? [])],
    metadata: JSON.parse(doc.metadata) as Record<string, unknown>,
    note: doc.note ?? null,
    revokedAt: doc.revokedAt ?? null,
    seq: doc.seq,
  };
}

function inviteToDoc(invite: NewInvite, seq: number): InviteDoc {
  return {
    _id: String(invite.id),
    tokenHash: String(invite.tokenHash),
    email: invite.email,
    uses: 0,
    maxUses: invite.maxUses,
    expiresAt: invite.expiresAt,
    createdAt: invite.createdAt,
    createdBy: String(invite.createdBy),
    clientId: invite.clientId,
    roles: [...invite.roles],
    metadata: JSON.stringify(invite.metadata ?? {}),
    note: invite.note,
    revokedAt: null,
    seq,
  };
}

const hasUsesLeft = () => op({ $lt: ['$uses', '$maxUses'] });

/** The filter for "pending at `now`": not revoked, uses left, not expired. */
export function claimableFilter(id: string, now: Date): QueryFilter<InviteDoc> {
  return { _id: String(id), revokedAt: null, expiresAt: op({ $gt: now }), $expr: hasUsesLeft() };
}

function statusFilter(status: InviteStatus, now: Date): QueryFilter<InviteDoc> {
  switch (status) {
    case 'revoked':
      return { revokedAt: op({ $ne: null }) };
    case 'redeemed':
      return { revokedAt: null, $expr: op({ $gte: ['$uses', '$maxUses'] }) };
    case 'expired':
      return { revokedAt: null, expiresAt: op({ $lte: now }), $expr: hasUsesLeft() };
    case 'pending':
      return { revokedAt: null, expiresAt: op({ $gt: now }), $expr: hasUsesLeft() };
    default:
      // A status from outside the type (an unchecked query string) matches nothing, never everything.
      return { _id: op({ $in: [] }) };
  }
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createMongoInviteStore(connection: Connection, { Invite, Redemption, Counter }: Models, nextSeq: NextSeq): InviteStore {
  const after = { returnDocument: 'after' } as const;

  return {
    async create(invite) {
      const doc = inviteToDoc(invite, await nextSeq('invites'));
      await Invite.create(doc);
      return docToInvite(doc);
    },
    async createMany(invites) {
      if (!invites.length) return [];
      const first = await nextSeq('invites', invites.length);
      const docs = invites.map((invite, i) => inviteToDoc(invite, first + i));
      // In a transaction, as the embedded store does: one bad row leaves none of the batch behind.
      await connection.transaction((session) => Invite.insertMany(docs, { ordered: true, session }));
      return docs.map(docToInvite);
    },
    async findById(id) {
      const doc = await Invite.findById(String(id)).lean<InviteDoc>();
      return doc ? docToInvite(doc) : null;
    },
    async findByTokenHash(tokenHash) {
      const doc = await Invite.findOne({ tokenHash: String(tokenHash) }).lean<InviteDoc>();
      return doc ? docToInvite(doc) : null;
    },
    async list(filter: InviteFilter, page, now) {
      // Built field by field from scalars: a caller's object never becomes part of the query.
      const clauses: QueryFilter<InviteDoc>[] = [];
      const before = seqBefore(page.cursor);
      if (before !== undefined) clauses.push({ seq: op({ $lt: before }) });
      if (filter.status) clauses.push(statusFilter(filter.status, now));
      if (filter.email !== undefined) clauses.push({ email: String(filter.email) });
      // Anchored and escaped: a prefix range on the email index, never a pattern from the caller.
      if (filter.emailPrefix !== undefined) clauses.push({ email: op({ $regex: `^${escapeRegex(String(filter.emailPrefix))}` }) });
      if (filter.clientId !== undefined) clauses.push({ clientId: String(filter.clientId) });
      if (filter.role !== undefined) clauses.push({ roles: String(filter.role) });
      if (filter.createdBy !== undefined) clauses.push({ createdBy: String(filter.createdBy) });
      if (filter.createdAfter) clauses.push({ createdAt: op({ $gte: filter.createdAfter }) });
      if (filter.createdBefore) clauses.push({ createdAt: op({ $lt: filter.createdBefore }) });
      const query = clauses.length ? { $and: clauses } : {};
      const docs = await Invite.find(query).sort({ seq: -1 }).limit(page.limit + 1).lean<InviteDoc[]>();
      const items = docs.slice(0, page.limit).map(docToInvite);
      return { items, nextCursor: docs.length > page.limit ? encodeCursor(items[items.length - 1]!.seq) : null };
    },
    async revoke(id, now) {
      const doc = await Invite.findOneAndUpdate(claimableFilter(id, now), { $set: { revokedAt: now } }, after).lean<InviteDoc>();
      return doc ? docToInvite(doc) : null;
    },
    async rotateToken(id, tokenHash, expiresAt) {
      const doc = await Invite.findOneAndUpdate(
        { _id: String(id), revokedAt: null, $expr: hasUsesLeft() },
        { $set: { tokenHash: String(tokenHash), expiresAt } },
        after,
      ).lean<InviteDoc>();
      return doc ? docToInvite(doc) : null;
    },
    async countCountedAgainstQuota(createdBy) {
      return Invite.countDocuments({ createdBy: String(createdBy), revokedAt: null });
    },
    async createWithinQuota(invite, quota) {
      const doc = inviteToDoc(invite, await nextSeq('invites'));
      return connection.transaction(async (session) => {
        // Two transactions that only read the count and insert different invites would not
        // conflict (write skew); both bump the creator's quota counter first, so one must retry.
        await Counter.updateOne({ _id: `quota:${doc.createdBy}` }, { $inc: { seq: 1 } }, { upsert: true, session });
        const counted = await Invite.countDocuments({ createdBy: doc.createdBy, revokedAt: null }, { session });
        if (counted >= quota) return null;
        await Invite.create([doc], { session });
        return docToInvite(doc);
      });
    },
    async countByStatus(now) {
      const statuses = ['pending', 'redeemed', 'expired', 'revoked'] as const;
      const counts = await Promise.all(statuses.map((status) => Invite.countDocuments(statusFilter(status, now))));
      return Object.fromEntries(statuses.map((status, i) => [status, counts[i]!])) as Record<InviteStatus, number>;
    },
    async expiredPerDay(since, until): Promise<DayCount[]> {
      const rows = await Invite.aggregate<{ _id: string; count: number }>([
        { $match: { expiresAt: op({ $gte: since, $lt: until }), revokedAt: null, $expr: hasUsesLeft() } },
        { $group: { _id: { $dateToString: { format: '%Y-%m-%d', date: '$expiresAt' } }, count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]);
      return rows.map((row) => ({ day: row._id, count: row.count }));
    },
    async listRedemptions(inviteId) {
      const docs = await Redemption.find({ inviteId: String(inviteId) }).sort({ at: 1, _id: 1 }).lean();
      return docs.map((doc) => ({ inviteId: doc.inviteId, accountId: doc.accountId, email: doc.email, at: doc.at, ip: doc.ip ?? null }));
    },
    async purgeRedemptionsBefore(before) {
      const result = await Redemption.deleteMany({ at: op({ $lt: before }) });
      return result.deletedCount;
    },
  };
}
