// A durable job queue in MongoDB: one findOneAndUpdate takes a fenced lease whose times come from
// the database's clock, so a dead worker's job runs again and a late one can no longer finish it.
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { ClaimedJob, Job, JobLease, JobStore, JobSummary } from '../ports.ts';
import { encodeIdCursor, idBefore } from '../cursor.ts';
import type { JobDoc, Models } from './models.ts';
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

const docToSummary = (doc: JobDoc): JobSummary => ({ ...docToJob(doc), state: doc.state });
/** Job ids: ObjectId hex, or the UUIDs of jobs queued before those. */
const JOB_ID = /^[0-9a-f-]{24,36}$/;

/**
 * How far a node's clock may run behind the database's before it stops seeing due jobs early
 * enough. The node's clock only narrows the index range; `$$NOW` decides what is due.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

/**
 * `clock` replaces the database's clock (tests move time by hand); in production it is unset and
 * every time is `$$NOW`, read by the server executing the update.
 */
export function createMongoJobStore(connection: Connection, { Job: Jobs }: Models, clock?: () => Date): JobStore {
  const dbNow = (): unknown => (clock ? { $literal: clock() } : '$$NOW');
  const dueBound = (): Date => (clock ? clock() : new Date(Date.now() + CLOCK_SKEW_ALLOWANCE_MS));
  // Fenced: a lease that another claim replaced matches nothing.
  const held = ({ id, lease }: JobLease) => ({ _id: String(id), state: 'leased' as const, lease: String(lease) });
  const pipeline = { updatePipeline: true } as const;

  // ObjectId hex ids: they grow within a process, so jobs due at the same time run in the order queued
  // without a counter document bumped for every job.
  const newDoc = (queue: string, payload: Record<string, unknown>, runAt: Date): JobDoc => ({
    _id: new mongoose.Types.ObjectId().toHexString(),
    queue: String(queue),
    payload: JSON.stringify(payload),
    attempts: 0,
    runAt,
    state: 'waiting',
    lastError: null,
    lease: null,
    failedAt: null,
  });

  return {
    async enqueue(queue, payload, runAt) {
      const doc = newDoc(queue, payload, runAt);
      await Jobs.create(doc);
      return docToJob(doc);
    },
    async enqueueMany(queue, payloads, runAt) {
      if (!payloads.length) return;
      const docs = payloads.map((payload) => newDoc(queue, payload, runAt));
      // One document is atomic on its own; a batch commits in one transaction or not at all.
      if (docs.length === 1) await Jobs.create(docs[0]!);
      else await connection.transaction((session) => Jobs.insertMany(docs, { ordered: true, session }));
    },
    async claimNext(queue, leaseMs): Promise<ClaimedJob | null> {
      const lease = randomUUID();
      // A leased job's runAt is its lease's end: past it, the job is due again. The match and the
      // lease are one document update, so two workers never win the same job.
      const doc = await Jobs.findOneAndUpdate(
        { queue: String(queue), state: op({ $in: PENDING }), runAt: op({ $lte: dueBound() }), $expr: op({ $lte: ['$runAt', dbNow()] }) },
        [{ $set: { state: 'leased', lease: { $literal: lease }, runAt: { $add: [dbNow(), Number(leaseMs)] }, attempts: { $add: ['$attempts', 1] } } }],
        { sort: { runAt: 1, _id: 1 }, returnDocument: 'after', ...pipeline },
      ).lean<JobDoc>();
      return doc ? { ...docToJob(doc), lease } : null;
    },
    async complete(lease) {
      const result = await Jobs.deleteOne(held(lease));
      return result.deletedCount > 0;
    },
    async retry(lease, delayMs, error) {
      const result = await Jobs.updateOne(
        held(lease),
        [{ $set: { state: 'waiting', runAt: { $add: [dbNow(), Number(delayMs)] }, lastError: { $literal: String(error) }, lease: null } }],
        pipeline,
      );
      return result.matchedCount > 0;
    },
    async fail(lease, error) {
      const result = await Jobs.updateOne(held(lease), [{ $set: { state: 'failed', lastError: { $literal: String(error) }, failedAt: dbNow(), lease: null } }], pipeline);
      return result.matchedCount > 0;
    },
    async countPending(queue) {
      return Jobs.countDocuments({ queue: String(queue), state: op({ $in: PENDING }) });
    },
    async purgeFailedBefore(before) {
      const result = await Jobs.deleteMany({ state: 'failed', failedAt: op({ $lt: before }) });
      return result.deletedCount;
    },
    async list(filter, page) {
      // Newest first by _id: ObjectIds grow, so the id is both the order and the cursor.
      const query: Record<string, unknown> = {};
      const before = idBefore(page.cursor, JOB_ID);
      if (before !== undefined) query._id = op({ $lt: before });
      if (filter.queue !== undefined) query.queue = String(filter.queue);
      if (filter.state === 'retrying') Object.assign(query, { state: 'waiting', lastError: op({ $ne: null }) });
      else if (filter.state !== undefined) query.state = String(filter.state);
      const docs = await Jobs.find(query as never).sort({ _id: -1 }).limit(page.limit + 1).lean<JobDoc[]>();
      const items = docs.slice(0, page.limit);
      return { items: items.map(docToSummary), nextCursor: docs.length > page.limit ? encodeIdCursor(items[items.length - 1]!._id) : null };
    },
    async countFailing(queue) {
      const [failed, retrying] = await Promise.all([
        Jobs.countDocuments({ queue: String(queue), state: 'failed' }),
        Jobs.countDocuments({ queue: String(queue), state: 'waiting', lastError: op({ $ne: null }) }),
      ]);
      return { failed, retrying };
    },
    async redeliver(id) {
      const doc = await Jobs.findOneAndUpdate(
        { _id: String(id), state: 'failed' },
        [{ $set: { state: 'waiting', attempts: 0, runAt: dbNow(), failedAt: null, lease: null } }],
        { returnDocument: 'after', ...pipeline },
      ).lean<JobDoc>();
      return doc ? docToSummary(doc) : null;
    },
  };
}
