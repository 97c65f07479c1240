// A durable job queue in MongoDB: a findOneAndUpdate lease, so a dead worker's job runs again.
import { randomUUID } from 'node:crypto';
import type { Job, JobStore, JobSummary } from '../ports.ts';
import { encodeCursor, seqBefore } from '../cursor.ts';
import type { QueryFilter } from 'mongoose';
import type { JobDoc, Models } from './models.ts';
import type { NextSeq } from './sequence.ts';
import { op } from './trusted.ts';

function docToJob(doc: JobDoc): Job {
  return {
    id: doc._id,
    queue: doc.queue,
    payload: JSON.parse(doc.payload) as Record<string, unknown>,
    attempts: doc.attempts,
    runAt: doc.runAt,
    lastError: doc.lastError ?? null,
  };
}

const PENDING: JobDoc['state'][] = ['waiting', 'leased'];

const docToSummary = (doc: JobDoc): JobSummary => ({ ...docToJob(doc), state: doc.state, seq: doc.seq });

export function createMongoJobStore({ Job: Jobs }: Models, nextSeq: NextSeq): JobStore {
  const newDoc = (queue: string, payload: Record<string, unknown>, runAt: Date, seq: number): JobDoc => ({
    _id: randomUUID(),
    queue: String(queue),
    payload: JSON.stringify(payload),
    attempts: 0,
    runAt,
    state: 'waiting',
    lastError: null,
    seq,
  });

  return {
    async enqueue(queue, payload, runAt) {
      const doc = newDoc(queue, payload, runAt, await nextSeq('jobs'));
      await Jobs.create(doc);
      return docToJob(doc);
    },
    async enqueueMany(queue, payloads, runAt) {
      if (!payloads.length) return;
      const first = await nextSeq('jobs', payloads.length);
      await Jobs.insertMany(payloads.map((payload, i) => newDoc(queue, payload, runAt, first + i)), { ordered: true });
    },
    async claimNext(queue, now, leaseMs) {
      // A leased job's runAt is its lease's end: past it, the job is due again. The match and
      // the lease are one document update, so two workers never win the same job.
      const doc = await Jobs.findOneAndUpdate(
        { queue: String(queue), state: op({ $in: PENDING }), runAt: op({ $lte: now }) },
        { $set: { state: 'leased', runAt: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
        { sort: { runAt: 1, seq: 1 }, returnDocument: 'after' },
      ).lean<JobDoc>();
      return doc ? docToJob(doc) : null;
    },
    async complete(id) {
      await Jobs.deleteOne({ _id: String(id) });
    },
    async retry(id, runAt, error) {
      await Jobs.updateOne({ _id: String(id) }, { $set: { state: 'waiting', runAt, lastError: String(error) } });
    },
    async fail(id, error) {
      await Jobs.updateOne({ _id: String(id) }, { $set: { state: 'failed', lastError: String(error) } });
    },
    async countPending(queue) {
      return Jobs.countDocuments({ queue: String(queue), state: op({ $in: PENDING }) });
    },
    async list(filter, page) {
      const query: QueryFilter<JobDoc> = {};
      const before = seqBefore(page.cursor);
      if (before !== undefined) query.seq = op({ $lt: before });
      if (filter.queue !== undefined) query.queue = String(filter.queue);
      if (filter.state === 'retrying') Object.assign(query, { state: 'waiting', lastError: op({ $ne: null }) });
      else if (filter.state !== undefined) query.state = String(filter.state) as JobDoc['state'];
      const docs = await Jobs.find(query).sort({ seq: -1 }).limit(page.limit + 1).lean<JobDoc[]>();
      const items = docs.slice(0, page.limit).map(docToSummary);
      return { items, nextCursor: docs.length > page.limit ? encodeCursor(items[items.length - 1]!.seq) : null };
    },
    async countFailing(queue) {
      const [failed, retrying] = await Promise.all([
        Jobs.countDocuments({ queue: String(queue), state: 'failed' }),
        Jobs.countDocuments({ queue: String(queue), state: 'waiting', lastError: op({ $ne: null }) }),
      ]);
      return { failed, retrying };
    },
    async redeliver(id, runAt) {
      const doc = await Jobs.findOneAndUpdate({ _id: String(id), state: 'failed' }, { $set: { state: 'waiting', attempts: 0, runAt } }, { returnDocument: 'after' }).lean<JobDoc>();
      return doc ? docToSummary(doc) : null;
    },
  };
}
