// Monotonic insertion sequences from a counters collection: the order behind cursor pagination.
import type { Model } from 'mongoose';
import type { CounterDoc } from './models.ts';
import { isDuplicateKey } from './mongo-errors.ts';

/*
 * One atomic $inc per allocation, so two instances never hand out the same number. A number
 * is taken before its document is written, so a crash leaves a gap, which pagination ignores.
 * Two writers may commit out of order (n+1 visible before n); a page read in that instant can
 * miss n, the same trade MongoDB's own ObjectId ordering makes.
 */
export type NextSeq = (name: string, count?: number) => Promise<number>;

export function createSequence(Counter: Model<CounterDoc>): NextSeq {
  return async function nextSeq(name, count = 1) {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await Counter.findOneAndUpdate({ _id: name }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' }).lean<CounterDoc>();
        // The first number of the block just reserved.
        return doc!.seq - count + 1;
      } catch (error) {
        // Two first-ever upserts can race on _id; the loser simply increments the winner's counter.
        if (attempt < 2 && isDuplicateKey(error)) continue;
        throw error;
      }
    }
  };
}
