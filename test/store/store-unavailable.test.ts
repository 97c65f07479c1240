// Storage failures are told apart from query bugs: a read-only SQLite file is "unavailable"
// (503), a broken statement is not.
import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStoreUnavailable, StoreUnavailableError } from '../../src/store/store-unavailable.ts';
import { errorBody } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'guestlist-unavailable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

test('a write to a read-only SQLite database is a store outage, answered 503', () => {
  const file = join(dir, 'ro.db');
  const writable = new DatabaseSync(file);
  writable.exec('CREATE TABLE t (x INTEGER)');
  writable.close();
  const readOnly = new DatabaseSync(file, { readOnly: true });
  const error = errorOf(() => readOnly.exec('INSERT INTO t VALUES (1)'));
  readOnly.close();
  expect(isStoreUnavailable(error)).toBe(true);
  expect(errorBody(error)).toMatchObject({ status: 503, body: { error: 'service_unavailable' } });
});

test('a malformed statement is a bug (500), not an outage', () => {
  const db = new DatabaseSync(':memory:');
  const error = errorOf(() => db.exec('SELEC nonsense'));
  db.close();
  expect(isStoreUnavailable(error)).toBe(false);
  expect(errorBody(error).status).toBe(500);
});

test('StoreUnavailableError itself maps to 503', () => {
  expect(errorBody(new StoreUnavailableError()).status).toBe(503);
});
