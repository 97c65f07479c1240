// With background checkpoints the WAL is copied back by the worker thread, not left to grow until
// the writing connection's own (raised) threshold; closing the store stops the worker.
import { DatabaseSync } from 'node:sqlite';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'guestlist-wal-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** Frames in the WAL now, as a second connection sees it (a PASSIVE checkpoint reports them). */
function walFrames(): number {
  const db = new DatabaseSync(join(dataDir, 'guestlist.db'));
  try {
    return Number((db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as { log: number }).log);
  } finally {
    db.close();
  }
}

async function writeMany(store: ReturnType<typeof createEmbeddedStore>): Promise<void> {
  for (let i = 0; i < 300; i++) await store.oidc.upsert('AccessToken', `t${i}`, { jti: `t${i}`, pad: 'x'.repeat(500) }, new Date(Date.now() + 60_000));
}

test('the worker checkpoints: after a pause the next write starts the log over', async () => {
  const store = createEmbeddedStore({ dataDir, backgroundCheckpoints: true });
  try {
    await writeMany(store);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await store.oidc.upsert('AccessToken', 'last', { jti: 'last' }, null);
    expect(walFrames()).toBeLessThan(10);
  } finally {
    await store.close();
  }
});

test('without it the same writes are still in the log (the comparison the test above needs)', async () => {
  const store = createEmbeddedStore({ dataDir });
  try {
    await writeMany(store);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await store.oidc.upsert('AccessToken', 'last', { jti: 'last' }, null);
    expect(walFrames()).toBeGreaterThan(100);
  } finally {
    await store.close();
  }
});
