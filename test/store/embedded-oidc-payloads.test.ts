// The embedded store keeps oidc-provider's lookup fields (uid, userCode, grantId, accountId) in
// their columns only, not twice; a payload reads back whole, also from rows written with them in
// the JSON (before this layout).
import { DatabaseSync } from 'node:sqlite';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'guestlist-oidc-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const rawPayload = (model: string, id: string): Record<string, unknown> => {
  const db = new DatabaseSync(join(dataDir, 'guestlist.db'));
  try {
    return JSON.parse((db.prepare('SELECT payload FROM oidc_payloads WHERE model = ? AND id = ?').get(model, id) as { payload: string }).payload);
  } finally {
    db.close();
  }
};

test('lookup fields are stored once, in their columns, and come back on every read', async () => {
  const store = createEmbeddedStore({ dataDir });
  const token = { jti: 't1', kind: 'AccessToken', accountId: 'acc-1', grantId: 'g-1', clientId: 'app', scope: 'openid' };
  const session = { jti: 's1', uid: 'u-1', accountId: 'acc-1', exp: 2_000_000_000 };
  await store.oidc.upsert('AccessToken', 't1', token, null);
  await store.oidc.upsert('Session', 's1', session, null);
  await store.oidc.upsert('DeviceCode', 'd1', { jti: 'd1', userCode: 'ABCD-EFGH' }, null);
  await store.close();

  expect(rawPayload('AccessToken', 't1')).toEqual({ jti: 't1', kind: 'AccessToken', clientId: 'app', scope: 'openid' });
  expect(rawPayload('Session', 's1')).toEqual({ jti: 's1', exp: 2_000_000_000 });
  expect(rawPayload('DeviceCode', 'd1')).toEqual({ jti: 'd1' });

  const reopened = createEmbeddedStore({ dataDir });
  try {
    expect(await reopened.oidc.find('AccessToken', 't1')).toEqual(token);
    expect(await reopened.oidc.findByUid('Session', 'u-1')).toEqual(session);
    expect(await reopened.oidc.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({ jti: 'd1', userCode: 'ABCD-EFGH' });
    await reopened.oidc.revokeByGrantId('AccessToken', 'g-1');
    expect(await reopened.oidc.find('AccessToken', 't1')).toBeUndefined();
  } finally {
    await reopened.close();
  }
});

test('a row written with the lookup fields inside its JSON reads the same', async () => {
  await createEmbeddedStore({ dataDir }).close();
  const db = new DatabaseSync(join(dataDir, 'guestlist.db'));
  const payload = { jti: 'g1', accountId: 'acc-2', clientId: 'app' };
  db.prepare('INSERT INTO oidc_payloads (model, id, payload, account_id) VALUES (?, ?, ?, ?)').run('Grant', 'g1', JSON.stringify(payload), 'acc-2');
  db.close();
  const store = createEmbeddedStore({ dataDir });
  try {
    expect(await store.oidc.find('Grant', 'g1')).toEqual(payload);
    await store.oidc.destroyByAccountId('acc-2');
    expect(await store.oidc.find('Grant', 'g1')).toBeUndefined();
  } finally {
    await store.close();
  }
});

test('a lookup field that is not a string stays in the JSON', async () => {
  const store = createEmbeddedStore({ dataDir });
  await store.oidc.upsert('Interaction', 'i1', { jti: 'i1', uid: 42 }, null);
  await store.close();
  expect(rawPayload('Interaction', 'i1')).toEqual({ jti: 'i1', uid: 42 });
});
