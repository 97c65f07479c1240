// Fixed-window counters in MongoDB: one atomic upsert per hit or take, shared by every instance.
import type { Models, RateLimitDoc } from './models.ts';
import type { RateLimitStore } from '../ports.ts';
import { isDuplicateKey } from './mongo-errors.ts';
import { op } from './trusted.ts';

export function createMongoRateLimitStore({ RateLimit }: Models): RateLimitStore {
  /*
   * One aggregation-pipeline update decides from the stored window itself: a live window counts
   * up, an ended (or absent) one restarts at 1. A missing resetAt compares below any date, so
   * the upsert's first hit takes the restart branch.
   */
  const hitOnce = (key: string, windowMs: number, now: Date) => {
    const live = { $gt: ['$resetAt', { $literal: now }] };
    return RateLimit.findOneAndUpdate(
      { _id: key },
      [
        {
          $set: {
            count: { $cond: { if: live, then: { $add: ['$count', 1] }, else: 1 } },
            resetAt: { $cond: { if: live, then: '$resetAt', else: { $literal: new Date(now.getTime() + windowMs) } } },
          },
        },
      ],
      { upsert: true, returnDocument: 'after', updatePipeline: true },
    ).lean<RateLimitDoc>();
  };

  /*
   * take: the same single upsert, with a count that stays put when the live window is full. The
   * document from before the update says what happened, atomically: absent or ended (a new window,
   * taken at 1), live below the limit (taken, +1), or live and full (refused, nothing changed).
   */
  const takeOnce = (key: string, limit: number, windowMs: number, now: Date) => {
    const live = { $gt: ['$resetAt', { $literal: now }] };
    const full = { $gte: ['$count', { $literal: limit }] };
    return RateLimit.findOneAndUpdate(
      { _id: key },
      [
        {
          $set: {
            count: { $cond: { if: live, then: { $cond: { if: full, then: '$count', else: { $add: ['$count', 1] } } }, else: 1 } },
            resetAt: { $cond: { if: live, then: '$resetAt', else: { $literal: new Date(now.getTime() + windowMs) } } },
          },
        },
      ],
      { upsert: true, returnDocument: 'before', updatePipeline: true },
    ).lean<RateLimitDoc>();
  };

  return {
    async take(key, limit, windowMs, now) {
      const id = String(key);
      const fresh = new Date(now.getTime() + windowMs);
      // A limit below 1 admits nobody (the upsert would otherwise start a window at 1).
      if (!(limit >= 1)) return { taken: false, count: 0, resetAt: fresh };
      let before: RateLimitDoc | null;
      try {
        before = await takeOnce(id, limit, windowMs, now);
      } catch (error) {
        // Two first takes can race to insert the key; the loser's retry finds it and decides on it.
        if (!isDuplicateKey(error)) throw error;
        before = await takeOnce(id, limit, windowMs, now);
      }
      if (!before || before.resetAt.getTime() <= now.getTime()) return { taken: true, count: 1, resetAt: fresh };
      if (before.count < limit) return { taken: true, count: before.count + 1, resetAt: before.resetAt };
      return { taken: false, count: before.count, resetAt: before.resetAt };
    },
    async giveBack(key, now) {
      await RateLimit.updateOne({ _id: String(key), count: op({ $gt: 0 }), resetAt: op({ $gt: now }) }, { $inc: { count: -1 } });
    },
    async hit(key, windowMs, now) {
      const id = String(key);
      let doc: RateLimitDoc | null;
      try {
        doc = await hitOnce(id, windowMs, now);
      } catch (error) {
        // Two first hits can race to insert the key; the loser's retry finds it and counts on.
        if (!isDuplicateKey(error)) throw error;
        doc = await hitOnce(id, windowMs, now);
      }
      return { count: doc!.count, resetAt: doc!.resetAt };
    },
    async peek(key, now) {
      const doc = await RateLimit.findById(String(key)).lean<RateLimitDoc>();
      // The TTL monitor runs about once a minute: an ended window may still be on disk.
      if (!doc || doc.resetAt.getTime() <= now.getTime()) return { count: 0, resetAt: null };
      return { count: doc.count, resetAt: doc.resetAt };
    },
    async reset(key) {
      await RateLimit.deleteOne({ _id: String(key) });
    },
    async once(key, windowMs, now) {
      // Matches only an ended window; a live one makes the upsert collide on _id, so exactly one
      // caller per window sees its write land.
      try {
        const result = await RateLimit.updateOne(
          { _id: String(key), resetAt: op({ $lte: now }) },
          { $set: { count: 1, resetAt: new Date(now.getTime() + windowMs) } },
          { upsert: true },
        );
        return result.modifiedCount + result.upsertedCount > 0;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
  };
}
