// Admin console sessions in MongoDB; a TTL index drops them at their absolute end.
import type { ConsoleSessionStore } from '../ports.ts';
import type { ConsoleSessionDoc, Models } from './models.ts';
import { op } from './trusted.ts';

export function createMongoConsoleSessionStore({ ConsoleSession }: Models): ConsoleSessionStore {
  return {
    async create(session) {
      await ConsoleSession.create({
        _id: String(session.id),
        secretHash: String(session.secretHash),
        accountId: String(session.accountId),
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
      });
    },
    async find(id) {
      const doc = await ConsoleSession.findById(String(id)).lean<ConsoleSessionDoc>();
      return doc ? { id: doc._id, secretHash: doc.secretHash, accountId: doc.accountId, createdAt: doc.createdAt, lastSeenAt: doc.lastSeenAt, expiresAt: doc.expiresAt } : null;
    },
    async touch(id, now, idleMs) {
      // One conditional update: an idle or ended session is never moved forward.
      const result = await ConsoleSession.updateOne(
        { _id: String(id), expiresAt: op({ $gt: now }), lastSeenAt: op({ $gt: new Date(now.getTime() - idleMs) }) },
        { $set: { lastSeenAt: now } },
      );
      return result.matchedCount > 0;
    },
    async delete(id) {
      await ConsoleSession.deleteOne({ _id: String(id) });
    },
    async deleteByAccountId(accountId) {
      return (await ConsoleSession.deleteMany({ accountId: String(accountId) })).deletedCount;
    },
  };
}
