// Without a server: the MongoDB store's recorded commands keep caller values literal under
// sanitizeFilter, and have the shapes its guarantees rest on (atomic claims, fenced leases,
// transactional batches, paged export).
import mongoose from 'mongoose';
import { createModels, type Models } from '../../src/store/mongo/models.ts';
import { createMongoInviteStore } from '../../src/store/mongo/invites.ts';
import { createMongoAccountStore } from '../../src/store/mongo/accounts.ts';

interface Sent {
  method: string;
  filter: Record<string, unknown>;
}

/** Models on an unconnected connection whose collections record what would have been sent. */
function recordingModels(): { models: Models; connection: mongoose.Connection; sent: Sent[] } {
  const connection = mongoose.createConnection();
  connection.set('sanitizeFilter', true);
  const models = createModels(connection);
  const sent: Sent[] = [];
  for (const model of Object.values(models) as mongoose.Model<unknown>[]) {
    const collection = model.collection as unknown as Record<string, unknown>;
    for (const method of ['find', 'findOne', 'findOneAndUpdate', 'updateOne']) {
      collection[method] = (filter: Record<string, unknown>) => {
        sent.push({ method, filter });
        return method === 'find' ? { toArray: async () => [] } : Promise.resolve(null);
      };
    }
  }
  return { models, connection, sent };
}

const injected = { $ne: null } as unknown as string;
const seq = async () => 1;

test('the mongo store module imports and compiles its models without a server', async () => {
  const { createMongoStore } = await import('../../src/store/mongo/index.ts');
  expect(typeof createMongoStore).toBe('function');
  const { models } = recordingModels();
  expect(models.Invite.schema.indexes()).toContainEqual([{ tokenHash: 1 }, { unique: true }]);
  expect(models.OidcPayload.schema.indexes()).toContainEqual([{ expiresAt: 1 }, { expireAfterSeconds: 0 }]);
  const withRetention = createModels(mongoose.createConnection(), { auditRetentionDays: 30 });
  expect(withRetention.Audit.schema.indexes()).toContainEqual([{ at: 1 }, { expireAfterSeconds: 30 * 86_400 }]);
});

test('operator objects smuggled in as values are matched literally, never as operators', async () => {
  const { models, connection, sent } = recordingModels();
  const invites = createMongoInviteStore(connection, models, seq);
  const accounts = createMongoAccountStore(connection, models, seq);
  await invites.findByTokenHash(injected);
  await invites.list({ email: injected, createdBy: injected }, { limit: 5 }, new Date());
  await accounts.findByEmail(injected);
  const json = JSON.stringify(sent.map((s) => s.filter));
  expect(sent).toHaveLength(3);
  expect(json).not.toContain('$ne');
});

test('a claim is one conditional update: pending, unexpired and uses < maxUses', async () => {
  const { models, connection, sent } = recordingModels();
  const now = new Date();
  await createMongoInviteStore(connection, models, seq).claimUse('inv-1', now);
  // Through JSON: the trusted marker is a symbol key that toEqual would also compare.
  expect(JSON.parse(JSON.stringify(sent))).toEqual([
    { method: 'findOneAndUpdate', filter: { _id: 'inv-1', revokedAt: null, expiresAt: { $gt: now.toISOString() }, $expr: { $lt: ['$uses', '$maxUses'] } } },
  ]);
});

test('enqueueMany of several jobs is one transaction; a single job is one insert', async () => {
  const { recordingModels: record } = await import('./mongo-recorder.ts');
  const { createMongoJobStore } = await import('../../src/store/mongo/jobs.ts');
  const { models, connection, sent } = record();
  let transactions = 0;
  const transaction = (connection as unknown as { transaction: (work: (session: unknown) => unknown) => Promise<unknown> }).transaction;
  (connection as unknown as { transaction: unknown }).transaction = async (work: (session: unknown) => unknown) => {
    transactions++;
    const before = sent.length;
    const result = await transaction(work);
    // Everything the transaction sent is the one insertMany of the whole batch.
    expect(sent.slice(before).map((s) => s.method)).toEqual(['insertMany']);
    return result;
  };
  const jobs = createMongoJobStore(connection, models);
  await jobs.enqueueMany('mail', [{ n: 1 }, { n: 2 }, { n: 3 }], new Date());
  expect(transactions).toBe(1);
  await jobs.enqueueMany('mail', [{ n: 4 }], new Date());
  expect(transactions).toBe(1);
  expect(sent.map((s) => s.method)).toEqual(['insertMany', 'insertOne']);
});

test('the audit export reads page by page (a bounded find each time), never one long-lived cursor', async () => {
  const { recordingModels: record } = await import('./mongo-recorder.ts');
  const { createMongoAuditStore } = await import('../../src/store/mongo/audit.ts');
  const { models, sent } = record();
  for await (const _ of createMongoAuditStore(models).stream({ type: 'login.failed' })) void _;
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ collection: 'audit_events', method: 'find', options: { limit: 501, sort: { at: -1, ord: -1 } } });
});

test('job leases are timed by the database ($$NOW), and complete, retry and fail match the lease they hold', async () => {
  const { recordingModels: record } = await import('./mongo-recorder.ts');
  const { createMongoJobStore } = await import('../../src/store/mongo/jobs.ts');
  const { models, connection, sent } = record();
  const jobs = createMongoJobStore(connection, models);
  await jobs.claimNext('mail', 60_000);
  const lease = { id: 'job-1', lease: 'lease-1' };
  await jobs.complete(lease);
  await jobs.retry(lease, 5_000, 'SMTP 451');
  await jobs.fail(lease, 'gave up');
  const [claim, complete, retry, fail] = JSON.parse(JSON.stringify(sent));
  expect(claim.filter.$expr).toEqual({ $lte: ['$runAt', '$$NOW'] });
  expect(claim.second[0].$set.runAt).toEqual({ $add: ['$$NOW', 60_000] });
  expect(claim.second[0].$set.lease).toEqual({ $literal: expect.any(String) });
  for (const write of [complete, retry, fail]) expect(write.filter).toEqual({ _id: 'job-1', state: 'leased', lease: 'lease-1' });
  expect(complete.method).toBe('deleteOne');
  expect(retry.second[0].$set).toMatchObject({ state: 'waiting', runAt: { $add: ['$$NOW', 5_000] }, lease: null });
  expect(fail.second[0].$set).toMatchObject({ state: 'failed', failedAt: '$$NOW', lease: null });
});
