// Waitlist requests and the queue in MongoDB: every change of state is one conditional update, and
// a unique partial index keeps one queued entry per email, whichever node confirms.
import type { QueryFilter } from 'mongoose';
import type { WaitlistEntry, WaitlistStatus, WaitlistStore } from '../ports.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import type { Models, WaitlistDoc } from './models.ts';
import type { NextSeq } from './sequence.ts';
import { isDuplicateKey } from './mongo-errors.ts';
import { op } from './trusted.ts';

function docToEntry(doc: WaitlistDoc): WaitlistEntry {
  return {
    id: doc._id,
    email: doc.email,
    domain: doc.domain,
    name: doc.name ?? null,
    reason: doc.reason ?? null,
    ref: doc.ref ?? null,
    status: doc.status,
    tokenHash: doc.tokenHash ?? null,
    codeHash: doc.codeHash ?? null,
    attempts: doc.attempts,
    requestedAt: doc.requestedAt,
    expiresAt: doc.expiresAt ?? null,
    confirmedAt: doc.confirmedAt ?? null,
    decidedAt: doc.decidedAt ?? null,
    decidedBy: doc.decidedBy ?? null,
    denialReason: doc.denialReason ?? null,
    inviteId: doc.inviteId ?? null,
    seq: typeof doc.seq === 'number' ? doc.seq : null,
  };
}

/**
 * A place in the queue: the partial indexes (email, seq) hold only documents where it is a number.
 * ('number' is MongoDB's alias for every numeric BSON type; mongoose's typings lack it.)
 */
const queued = (extra: object = {}) => op({ $type: 'number', ...extra }) as unknown as QueryFilter<WaitlistDoc>['seq'];

function seqAfter(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const seq = decodeCursor(cursor);
  if (seq === null) throw new InvalidCursorError();
  return seq;
}

export function createMongoWaitlistStore({ Waitlist }: Models, nextSeq: NextSeq): WaitlistStore {
  const after = { returnDocument: 'after' } as const;
  const findQueuedByEmail = async (email: string) => Waitlist.findOne({ email: String(email), seq: queued() }).lean<WaitlistDoc>();

  return {
    async create(request) {
      const doc: WaitlistDoc = {
        _id: String(request.id),
        email: String(request.email),
        domain: String(request.domain),
        name: request.name,
        reason: request.reason,
        ref: request.ref,
        status: 'unconfirmed',
        tokenHash: request.tokenHash,
        codeHash: request.codeHash,
        attempts: 0,
        requestedAt: request.requestedAt,
        expiresAt: request.expiresAt,
        confirmedAt: null,
        decidedAt: null,
        decidedBy: null,
        denialReason: null,
        inviteId: null,
        seq: null,
      };
      await Waitlist.create(doc);
      return docToEntry(doc);
    },
    async findById(id) {
      const doc = await Waitlist.findById(String(id)).lean<WaitlistDoc>();
      return doc ? docToEntry(doc) : null;
    },
    async findUnconfirmedByTokenHash(tokenHash, now) {
      const doc = await Waitlist.findOne({ tokenHash: op({ $eq: String(tokenHash), $type: 'string' as const }), status: 'unconfirmed', expiresAt: op({ $gt: now }) }).lean<WaitlistDoc>();
      return doc ? docToEntry(doc) : null;
    },
    async addAttempt(id) {
      const doc = await Waitlist.findOneAndUpdate({ _id: String(id) }, { $inc: { attempts: 1 } }, after).lean<WaitlistDoc>();
      return doc ? doc.attempts : 0;
    },
    async confirm(id, now) {
      // The place is numbered first; a request that turns out gone leaves a gap, which the order ignores.
      const seq = await nextSeq('waitlist');
      try {
        const doc = await Waitlist.findOneAndUpdate(
          { _id: String(id), status: 'unconfirmed', expiresAt: op({ $gt: now }) },
          { $set: { status: 'pending', confirmedAt: now, expiresAt: null, tokenHash: null, codeHash: null, seq } },
          after,
        ).lean<WaitlistDoc>();
        return doc ? { ok: true, entry: docToEntry(doc) } : { ok: false, reason: 'gone' };
      } catch (error) {
        // The unique index on queued emails refused it: that address is in the queue already.
        if (!isDuplicateKey(error, 'email')) throw error;
        const request = await Waitlist.findById(String(id)).lean<WaitlistDoc>();
        const existing = request ? await findQueuedByEmail(request.email) : null;
        return existing ? { ok: false, reason: 'already_queued', entry: docToEntry(existing) } : { ok: false, reason: 'gone' };
      }
    },
    async discard(id) {
      const result = await Waitlist.deleteOne({ _id: String(id), status: 'unconfirmed' });
      return result.deletedCount > 0;
    },
    async list(filter, page) {
      // Built field by field from scalars: a caller's object never becomes part of the query.
      const query: QueryFilter<WaitlistDoc> = { seq: queued({ $gt: seqAfter(page.cursor) }) };
      if (filter.status) query.status = String(filter.status) as WaitlistStatus;
      if (filter.domain !== undefined) query.domain = String(filter.domain);
      // A prefix as a range on the address: the caller's text is never read as a pattern.
      if (filter.emailPrefix) query.email = op({ $gte: String(filter.emailPrefix), $lt: `${String(filter.emailPrefix)}\uffff` });
      const docs = await Waitlist.find(query).sort({ seq: 1 }).limit(page.limit + 1).lean<WaitlistDoc[]>();
      const items = docs.slice(0, page.limit).map(docToEntry);
      return { items, nextCursor: docs.length > page.limit ? encodeCursor(items[items.length - 1]!.seq!) : null };
    },
    async decide(id, decision) {
      const doc = await Waitlist.findOneAndUpdate(
        { _id: String(id), status: 'pending' },
        { $set: { status: decision.status, decidedAt: decision.at, decidedBy: String(decision.by), inviteId: decision.inviteId ?? null, denialReason: decision.denialReason ?? null } },
        after,
      ).lean<WaitlistDoc>();
      return doc ? docToEntry(doc) : null;
    },
    async countByStatus() {
      const [pending, approved, denied] = await Promise.all((['pending', 'approved', 'denied'] as const).map((status) => Waitlist.countDocuments({ status })));
      return { pending: pending!, approved: approved!, denied: denied! };
    },
    async countPendingBefore(seq) {
      return Waitlist.countDocuments({ status: 'pending', seq: op({ $lt: Number(seq) }) });
    },
  };
}
