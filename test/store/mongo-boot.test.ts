// The MongoDB store's boot against a stand-in server: many nodes may boot at once and all come up,
// boot creates but never drops, a changed TTL moves with collMod, a standalone server is refused,
// readiness is a write, and `npm run migrate` alone drops what is stale.
import mongoose from 'mongoose';
import { createModels, type Models } from '../../src/store/mongo/models.ts';
import { assembleMongoStore, bootMongoStore } from '../../src/store/mongo/index.ts';
import { migrateIndexes, wantedIndexes, type SyncLog } from '../../src/store/mongo/index-sync.ts';
import { TransactionsUnsupportedError } from '../../src/store/mongo/transaction-support.ts';
import { createStandIn, type StandIn } from './mongo-stand-in.ts';
import { recordingModels } from './mongo-recorder.ts';

/** A node's models: each node compiles its own on its own connection. */
const nodeModels = (auditRetentionDays = 365): Models => createModels(mongoose.createConnection(), { auditRetentionDays });

function recordingLog(): SyncLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (fields, message) => void lines.push(`${message} ${JSON.stringify(fields)}`), warn: (fields, message) => void lines.push(`${message} ${JSON.stringify(fields)}`) };
}

/** Each collection's index names as the stand-in holds them. */
const indexNames = (server: StandIn) => Object.fromEntries([...server.collections].map(([name, indexes]) => [name, indexes.map((index) => index.name).sort()]));

test('two store instances booting together on a fresh server both come up, with every index exactly once', async () => {
  const server = createStandIn();
  await expect(Promise.all([bootMongoStore(server.admin(), nodeModels()), bootMongoStore(server.admin(), nodeModels())])).resolves.toBeDefined();
  for (const { name, indexes } of wantedIndexes(nodeModels())) {
    const held = server.collections.get(name)!;
    expect(held).toBeDefined();
    expect(held).toHaveLength(indexes.length + 1);
    expect(new Set(held.map((index) => index.name)).size).toBe(held.length);
  }
  // Each collection was created once: the node that lost the race took NamespaceExists as success.
  const created = server.log.filter((line) => line.startsWith('createCollection'));
  expect(created).toHaveLength(new Set(created).size);
  expect(server.log.filter((line) => line.startsWith('dropIndex'))).toEqual([]);
});

test('five nodes booting at once over an older version\'s indexes all come up and drop nothing', async () => {
  const server = createStandIn();
  // The previous version's indexes (audit by seq, jobs by seq) and one an operator added by hand.
  const old = server.admin();
  await old.createIndex('audit_events', { key: { seq: -1 }, unique: true });
  await old.createIndex('audit_events', { key: { type: 1, seq: -1 } });
  await old.createIndex('jobs', { key: { queue: 1, state: 1, runAt: 1, seq: 1 } });
  await old.createIndex('invites', { key: { note: 1 } });
  const before = indexNames(server);

  await Promise.all(Array.from({ length: 5 }, () => bootMongoStore(server.admin(), nodeModels())));
  const after = indexNames(server);
  for (const [collection, names] of Object.entries(before)) expect(after[collection]).toEqual(expect.arrayContaining(names));
  expect(server.log.filter((line) => line.startsWith('dropIndex'))).toEqual([]);
});

test('a changed audit retention moves the TTL in place with collMod: no drop, no rebuild', async () => {
  const server = createStandIn();
  await bootMongoStore(server.admin(), nodeModels(30));
  server.log.length = 0;
  const log = recordingLog();
  await bootMongoStore(server.admin(), nodeModels(90), log);
  expect(server.log).toEqual([`collMod audit_events at_1 ${90 * 86_400}`]);
  expect(server.collections.get('audit_events')!.find((index) => index.name === 'at_1')?.expireAfterSeconds).toBe(90 * 86_400);
  expect(log.lines.join('\n')).toContain('index expiry changed in place (collMod)');
});

test('an index whose options changed is left in place at boot, with a warning that names migrate', async () => {
  const server = createStandIn();
  await server.admin().createIndex('jobs', { key: { failedAt: 1 } });
  const log = recordingLog();
  await bootMongoStore(server.admin(), nodeModels(), log);
  const warning = log.lines.find((line) => line.includes('failedAt_1'));
  expect(warning).toContain('index differs from the schema');
  expect(warning).toContain('npm run migrate');
  expect(server.collections.get('jobs')!.find((index) => index.name === 'failedAt_1')?.partialFilterExpression).toBeUndefined();
});

test('migrate drops what this version does not declare and rebuilds what changed; a dry run changes nothing', async () => {
  const server = createStandIn();
  const admin = server.admin();
  await admin.createIndex('audit_events', { key: { seq: -1 }, unique: true });
  await admin.createIndex('jobs', { key: { failedAt: 1 } });
  await bootMongoStore(admin, nodeModels());
  const wanted = wantedIndexes(nodeModels());

  const before = indexNames(server);
  const planned = await migrateIndexes(admin, wanted, recordingLog(), { dryRun: true });
  expect(planned.map((step) => `${step.collection} ${step.index}`).sort()).toEqual(['audit_events seq_-1', 'jobs failedAt_1']);
  expect(indexNames(server)).toEqual(before);

  // Two operators running it at once: the second finds the index gone and carries on.
  await Promise.all([migrateIndexes(admin, wanted, recordingLog()), migrateIndexes(server.admin(), wanted, recordingLog())]);
  expect(server.collections.get('audit_events')!.map((index) => index.name)).not.toContain('seq_-1');
  expect(server.collections.get('jobs')!.find((index) => index.name === 'failedAt_1')?.partialFilterExpression).toEqual({ state: 'failed' });
  expect(await migrateIndexes(admin, wanted, recordingLog())).toEqual([]);
});

test('a standalone server is refused at boot with a message that says how to fix it; a replica set or mongos is accepted', async () => {
  const standalone = createStandIn({ isWritablePrimary: true });
  const refused = bootMongoStore(standalone.admin(), nodeModels());
  await expect(refused).rejects.toBeInstanceOf(TransactionsUnsupportedError);
  await expect(refused).rejects.toThrow(/standalone.*transactions.*replica set.*rs\.initiate\(\)/s);
  // Refused before touching anything.
  expect(standalone.log).toEqual([]);

  await expect(bootMongoStore(createStandIn({ setName: 'rs0' }).admin(), nodeModels())).resolves.toBeUndefined();
  await expect(bootMongoStore(createStandIn({ msg: 'isdbgrid' }).admin(), nodeModels())).resolves.toBeUndefined();
});

test('readiness is a write (an upsert of a heartbeat), not a read-only ping; a closed store is not ready', async () => {
  const { models, connection, sent } = recordingModels();
  const store = assembleMongoStore(connection, models);
  await store.ping();
  expect(sent.map((s) => `${s.collection}.${s.method}`)).toEqual(['settings.updateOne']);
  expect(sent[0]!.filter).toEqual({ _id: 'readyz.heartbeat' });
  expect(sent[0]!.options).toMatchObject({ upsert: true });
  await store.close();
  await expect(store.ping()).rejects.toThrow('closed');
});
