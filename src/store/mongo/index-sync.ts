// Brings the indexes the schemas declare into being. At boot: create what is missing, idempotently
// and tolerant of another node creating the same index at the same moment, and move a changed TTL
// with collMod; never drop anything, so nodes of two versions never drop each other's indexes, nor
// an index an operator added by hand. Dropping is `npm run migrate`'s job alone (migrateIndexes).
import type { Model } from 'mongoose';
import type { Models } from './models.ts';
import { CODES, codeOf, type IndexInfo, type IndexSpec, type MongoAdmin } from './mongo-admin.ts';

export interface WantedCollection {
  name: string;
  indexes: IndexSpec[];
}

export interface SyncLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Every collection the store uses, with the indexes its schema declares. */
export function wantedIndexes(models: Models): WantedCollection[] {
  return (Object.values(models) as Model<unknown>[]).map((model) => ({
    name: model.collection.collectionName,
    indexes: model.schema.indexes().map(([key, options]) => {
      const { unique, sparse, expireAfterSeconds, partialFilterExpression } = options as IndexSpec;
      return {
        key: key as Record<string, 1 | -1>,
        ...(unique ? { unique } : {}),
        ...(sparse ? { sparse } : {}),
        ...(expireAfterSeconds !== undefined ? { expireAfterSeconds } : {}),
        ...(partialFilterExpression ? { partialFilterExpression } : {}),
      };
    }),
  }));
}

/** Key patterns are ordered: { a: 1, b: 1 } is not { b: 1, a: 1 }. */
const keyEntries = (key: Record<string, unknown>) => JSON.stringify(Object.entries(key).map(([field, direction]) => [field, Number(direction)]));
const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) => keyEntries(a) === keyEntries(b);

const shape = (index: IndexInfo | IndexSpec) =>
  JSON.stringify({ unique: Boolean(index.unique), sparse: Boolean(index.sparse), partial: index.partialFilterExpression ?? null });

/** 'same'; 'expiry' when only the TTL differs (collMod can move it); 'different' otherwise. */
export function compareIndex(existing: IndexInfo, wanted: IndexSpec): 'same' | 'expiry' | 'different' {
  if (shape(existing) !== shape(wanted)) return 'different';
  if (existing.expireAfterSeconds === wanted.expireAfterSeconds) return 'same';
  // collMod sets or changes an expiry; it cannot take one away.
  return wanted.expireAfterSeconds === undefined ? 'different' : 'expiry';
}

const keyName = (key: Record<string, unknown>) => Object.entries(key).map(([field, direction]) => `${field}_${String(direction)}`).join('_');

async function createCollection(admin: MongoAdmin, name: string): Promise<void> {
  try {
    await admin.createCollection(name);
  } catch (error) {
    // Another node created it first: exactly what we wanted.
    if (codeOf(error) !== CODES.NamespaceExists) throw error;
  }
}

async function reconcile(admin: MongoAdmin, collection: string, existing: IndexInfo, wanted: IndexSpec, log: SyncLog): Promise<void> {
  const comparison = compareIndex(existing, wanted);
  if (comparison === 'same') return;
  if (comparison === 'expiry') {
    try {
      await admin.setExpiry(collection, wanted.key, wanted.expireAfterSeconds!);
      log.info({ collection, index: existing.name, expire_after_seconds: wanted.expireAfterSeconds }, 'index expiry changed in place (collMod)');
      return;
    } catch (error) {
      log.warn({ collection, index: existing.name, error: (error as Error).message }, 'index expiry could not be changed in place; `npm run migrate` rebuilds the index');
      return;
    }
  }
  log.warn({ collection, index: existing.name }, 'index differs from the schema and is left as it is; `npm run migrate` rebuilds it');
}

/**
 * Boot: every collection exists and every declared index exists (or differs only in a way logged
 * for migrate). Nothing is dropped. Several nodes may run this at once.
 */
export async function ensureIndexes(admin: MongoAdmin, wanted: WantedCollection[], log: SyncLog): Promise<void> {
  const collections = new Set(await admin.listCollections());
  for (const { name, indexes } of wanted) {
    // Collections must exist before any transaction touches them.
    if (!collections.has(name)) await createCollection(admin, name);
    const existing = await admin.listIndexes(name);
    for (const spec of indexes) {
      const found = existing.find((index) => sameKey(index.key, spec.key));
      if (found) {
        await reconcile(admin, name, found, spec, log);
        continue;
      }
      try {
        // The same spec already built (or being built) by another node is a no-op for the server.
        await admin.createIndex(name, spec);
        log.info({ collection: name, index: keyName(spec.key) }, 'index created');
      } catch (error) {
        // Another node's version may have won the race with another shape: look again.
        const now = (await admin.listIndexes(name)).find((index) => sameKey(index.key, spec.key));
        if (now && compareIndex(now, spec) === 'same') continue;
        if (codeOf(error) === CODES.IndexOptionsConflict || codeOf(error) === CODES.IndexKeySpecsConflict) {
          log.warn({ collection: name, index: keyName(spec.key), error: (error as Error).message }, 'index conflicts with an existing one and was not created; `npm run migrate` resolves it');
          continue;
        }
        throw error;
      }
    }
  }
}

export interface MigrationStep {
  collection: string;
  index: string;
  why: string;
}

/**
 * The explicit step: drops every index the schemas do not declare (stale ones from older
 * versions, and hand-made ones) and those whose options changed, then creates what is missing.
 * With `dryRun`, only says what it would drop.
 */
export async function migrateIndexes(admin: MongoAdmin, wanted: WantedCollection[], log: SyncLog, { dryRun = false } = {}): Promise<MigrationStep[]> {
  const drops: MigrationStep[] = [];
  for (const { name, indexes } of wanted) {
    for (const index of await admin.listIndexes(name)) {
      if (index.name === '_id_') continue;
      const spec = indexes.find((candidate) => sameKey(index.key, candidate.key));
      if (!spec) drops.push({ collection: name, index: index.name, why: 'not declared by this version' });
      else if (compareIndex(index, spec) === 'different') drops.push({ collection: name, index: index.name, why: 'options changed: rebuilt' });
    }
  }
  for (const step of drops) {
    log.info({ ...step, dry_run: dryRun }, dryRun ? 'would drop index' : 'dropping index');
    if (dryRun) continue;
    try {
      await admin.dropIndex(step.collection, step.index);
    } catch (error) {
      if (codeOf(error) !== CODES.IndexNotFound) throw error;
    }
  }
  if (!dryRun) await ensureIndexes(admin, wanted, log);
  return drops;
}
