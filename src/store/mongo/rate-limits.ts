// Fixed-window counters in MongoDB: one atomic upsert per hit, shared by every instance.
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

  return {
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
