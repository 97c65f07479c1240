// Runs the store contract against MongoDB when MONGODB_URI names a (throwaway, replica-set) database,
// and asks the server to explain every query shape the store sends: none may scan a collection.
import mongoose from 'mongoose';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { describeStoreContract } from './store-contract.ts';
import { everyQuery } from './mongo-query-catalogue.ts';

// Read here rather than through config.ts: this is the test harness choosing a server, not the app.
const uri = process.env.MONGODB_URI;

if (!uri) {
  process.stdout.write('MongoDB store contract: SKIPPED — set MONGODB_URI to run it\n');
  test.todo('MongoDB store contract: set MONGODB_URI (a replica set; its database is dropped) to run it');
} else {
  // The database named by the URI is dropped first, then emptied before every test (emptying
  // keeps the indexes, which a drop would make every test rebuild).
  const admin = mongoose.createConnection(uri);

  beforeAll(async () => {
    await admin.asPromise();
    await admin.dropDatabase();
  });

  afterAll(async () => {
    await admin.close();
  });

  describeStoreContract('mongo', async (clock) => {
    const store = await createMongoStore({ uri, clock, auditRetentionDays: 365 });
    for (const collection of await admin.db!.collections()) await collection.deleteMany({});
    return store;
  });

  test('the server plans every query shape the store sends on an index, never a collection scan', async () => {
    const store = await createMongoStore({ uri, auditRetentionDays: 365 });
    try {
      const { sent } = await everyQuery();
      const shapes = sent.filter((s) => Object.keys(s.filter ?? {}).length > 0);
      expect(shapes.length).toBeGreaterThan(80);
      const scans: string[] = [];
      for (const shape of shapes) {
        // Writes are explained as the find of the same filter and sort: the plan that selects the document.
        const sort = (shape.options.sort ?? {}) as Record<string, 1 | -1>;
        const plan = await admin.db!.collection(shape.collection).find(shape.filter).sort(sort).limit(1).explain('queryPlanner');
        const winning = JSON.stringify((plan as { queryPlanner: { winningPlan: unknown } }).queryPlanner.winningPlan);
        if (winning.includes('COLLSCAN')) scans.push(`${shape.collection}.${shape.method} ${JSON.stringify(shape.filter)}`);
      }
      expect(scans).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test('the oidc lookups use their partial indexes', async () => {
    const store = await createMongoStore({ uri, auditRetentionDays: 365 });
    try {
      const { sent } = await everyQuery();
      const lookups = sent.filter((s) => s.collection === 'oidc_payloads' && !('_id' in s.filter) && ['findOne', 'deleteMany'].includes(s.method));
      const used = [];
      for (const lookup of lookups) {
        const plan = await admin.db!.collection('oidc_payloads').find(lookup.filter).explain('queryPlanner');
        used.push(/"indexName":"([^"]+)"/.exec(JSON.stringify((plan as { queryPlanner: { winningPlan: unknown } }).queryPlanner.winningPlan))?.[1]);
      }
      expect(used).toEqual(['model_1_uid_1', 'model_1_userCode_1', 'grantId_1', 'accountId_1']);
    } finally {
      await store.close();
    }
  });
}
