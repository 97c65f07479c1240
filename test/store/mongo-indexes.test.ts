// Without a server: every filter the MongoDB store sends is served by one of its schema's indexes —
// the index's partial filter (if any) is stated in the query, its leading field bounds the scan,
// and a sorted read gets its order from the index instead of sorting in memory.
import mongoose from 'mongoose';
import type { Models } from '../../src/store/mongo/models.ts';
import { everyQuery } from './mongo-query-catalogue.ts';
import { queryServedBy, type IndexSpec } from './index-coverage.ts';

const plain = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

function indexesOf(models: Models, collection: string): IndexSpec[] {
  const model = (Object.values(models) as mongoose.Model<unknown>[]).find((m) => m.collection.collectionName === collection)!;
  return [[{ _id: 1 }, {}], ...(model.schema.indexes() as IndexSpec[])];
}

test('every filter the MongoDB store sends is served by an index, partial filters included', async () => {
  const { sent, models } = await everyQuery();
  const filtered = sent.filter((s) => Object.keys(s.filter ?? {}).length > 0 || s.options.sort);
  expect(filtered.length).toBeGreaterThan(80);
  const unserved = filtered
    .filter((s) => !queryServedBy(plain(s.filter), plain((s.options.sort ?? {}) as Record<string, 1 | -1>), indexesOf(models, s.collection)))
    .map((s) => `${s.collection}.${s.method} ${JSON.stringify(plain(s.filter))} sort ${JSON.stringify(s.options.sort ?? {})}`);
  expect(unserved).toEqual([]);
});

test('the oidc lookups state each partial index filter ($type: string) beside their equality', async () => {
  const { sent } = await everyQuery();
  const oidc = sent.filter((s) => s.collection === 'oidc_payloads' && ['findOne', 'deleteMany'].includes(s.method) && !('_id' in s.filter));
  expect(oidc.map((s) => plain(s.filter))).toEqual([
    { model: 'Session', uid: { $eq: 'u', $type: 'string' } },
    { model: 'DeviceCode', userCode: { $eq: 'ABCD', $type: 'string' } },
    { model: 'AccessToken', grantId: { $eq: 'g', $type: 'string' } },
    { accountId: { $eq: 'a1', $type: 'string' } },
  ]);
});

test('the checker itself refuses a plain equality against a partial index, and a sort no index gives', () => {
  const partial: IndexSpec[] = [[{ model: 1, uid: 1 }, { partialFilterExpression: { uid: { $type: 'string' } } }]];
  expect(queryServedBy({ model: 'Session', uid: 'u' }, {}, partial)).toBe(false);
  expect(queryServedBy({ model: 'Session', uid: { $eq: 'u', $type: 'string' } }, {}, partial)).toBe(true);
  const sorted: IndexSpec[] = [[{ type: 1, at: -1 }, {}]];
  expect(queryServedBy({ type: 't' }, { at: -1 }, sorted)).toBe(true);
  expect(queryServedBy({ type: 't' }, { at: 1 }, sorted)).toBe(true);
  expect(queryServedBy({ type: 't' }, { seq: -1 }, sorted)).toBe(false);
  expect(queryServedBy({ actor: 'x' }, { at: -1 }, sorted)).toBe(false);
});

test('the catalogue reaches every second-factor collection, so their filters are checked above', async () => {
  const { sent } = await everyQuery();
  const filtered = new Set(sent.filter((s) => Object.keys(s.filter ?? {}).length > 0).map((s) => s.collection));
  for (const collection of ['passkeys', 'totp_factors', 'backup_codes', 'webauthn_challenges', 'mfa_locks']) expect([collection, filtered.has(collection)]).toEqual([collection, true]);
});
