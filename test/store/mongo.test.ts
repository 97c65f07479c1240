// Runs the store contract against MongoDB when MONGODB_URI names a (throwaway, replica-set) database.
import mongoose from 'mongoose';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { describeStoreContract } from './store-contract.ts';

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
}
