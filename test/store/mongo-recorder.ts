// Models on an unconnected connection whose collections record every command they would have sent:
// the MongoDB store's query shapes, checked without a server.
import mongoose from 'mongoose';
import { createModels, type Models, type ModelOptions } from '../../src/store/mongo/models.ts';

export interface Sent {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
  /** The second argument: an update for updates, options for reads. */
  second: unknown;
  options: Record<string, unknown>;
}

const REPLIES: Record<string, () => unknown> = {
  find: () => ({ toArray: async () => [], close: async () => {}, async *[Symbol.asyncIterator]() {} }),
  findOne: () => Promise.resolve(null),
  findOneAndUpdate: () => Promise.resolve(null),
  findOneAndDelete: () => Promise.resolve(null),
  updateOne: () => Promise.resolve({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 }),
  updateMany: () => Promise.resolve({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 }),
  deleteOne: () => Promise.resolve({ deletedCount: 0 }),
  deleteMany: () => Promise.resolve({ deletedCount: 0 }),
  countDocuments: () => Promise.resolve(0),
  insertOne: () => Promise.resolve({ acknowledged: true }),
  insertMany: () => Promise.resolve({ acknowledged: true, insertedCount: 0 }),
};

/** Reads and writes that carry a filter (inserts carry none). */
export const FILTERED = new Set(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'countDocuments']);

export function recordingModels(modelOptions: ModelOptions = {}): { models: Models; connection: mongoose.Connection; sent: Sent[] } {
  const connection = mongoose.createConnection();
  connection.set('sanitizeFilter', true);
  const models = createModels(connection, modelOptions);
  const sent: Sent[] = [];
  for (const model of Object.values(models) as mongoose.Model<unknown>[]) {
    const collection = model.collection as unknown as Record<string, unknown>;
    for (const [method, reply] of Object.entries(REPLIES)) {
      collection[method] = (filter: Record<string, unknown>, second?: unknown, third?: unknown) => {
        const options = (['find', 'findOne', 'findOneAndDelete', 'countDocuments'].includes(method) ? second : third) as Record<string, unknown> | undefined;
        sent.push({ collection: model.collection.collectionName, method, filter: FILTERED.has(method) ? filter : {}, second, options: options ?? {} });
        return reply();
      };
    }
  }
  // Transactions need a server: run the work with a stand-in session instead.
  (connection as unknown as { transaction: unknown }).transaction = async (work: (session: unknown) => unknown) => work(undefined);
  return { models, connection, sent };
}
