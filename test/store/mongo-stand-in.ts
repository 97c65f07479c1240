// A stand-in MongoDB server for the store's boot and migration: collections and indexes in memory,
// with the server's answers (NamespaceExists, IndexNotFound, IndexOptionsConflict...) and a pause
// before every command so two nodes' boots interleave the way they would over a network.
import { CODES, type HelloReply, type IndexInfo, type IndexSpec, type MongoAdmin } from '../../src/store/mongo/mongo-admin.ts';

export interface StandIn {
  admin(): MongoAdmin;
  collections: Map<string, IndexInfo[]>;
  /** Every mutating command, in order, as `command collection index`. */
  log: string[];
}

const serverError = (code: number, codeName: string, message: string) => Object.assign(new Error(message), { code, codeName });
const nameOf = (key: Record<string, unknown>) => Object.entries(key).map(([f, d]) => `${f}_${String(d)}`).join('_');
const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
const optionsOf = (index: IndexInfo | IndexSpec) =>
  JSON.stringify([Boolean(index.unique), Boolean(index.sparse), index.expireAfterSeconds ?? null, index.partialFilterExpression ?? null]);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createStandIn(hello: HelloReply = { setName: 'rs0', isWritablePrimary: true }): StandIn {
  const collections = new Map<string, IndexInfo[]>();
  const log: string[] = [];
  const create = (name: string) => collections.set(name, [{ name: '_id_', key: { _id: 1 } }]);

  const admin = (): MongoAdmin => ({
    async hello() {
      await tick();
      return { ...hello };
    },
    async listCollections() {
      await tick();
      return [...collections.keys()];
    },
    async createCollection(name) {
      await tick();
      if (collections.has(name)) throw serverError(CODES.NamespaceExists, 'NamespaceExists', `Collection ${name} already exists.`);
      create(name);
      log.push(`createCollection ${name}`);
    },
    async listIndexes(collection) {
      await tick();
      return (collections.get(collection) ?? []).map((index) => structuredClone(index));
    },
    async createIndex(collection, spec) {
      await tick();
      if (!collections.has(collection)) create(collection);
      const indexes = collections.get(collection)!;
      const name = nameOf(spec.key);
      const sameName = indexes.find((index) => index.name === name);
      const sameKeys = indexes.find((index) => sameKey(index.key, spec.key));
      // An identical index already there is a no-op, as on a real server.
      if (sameKeys && optionsOf(sameKeys) === optionsOf(spec) && sameKeys.name === name) return;
      if (sameName && !sameKey(sameName.key, spec.key)) throw serverError(CODES.IndexKeySpecsConflict, 'IndexKeySpecsConflict', `An existing index has the same name as the requested index: ${name}`);
      if (sameKeys) throw serverError(CODES.IndexOptionsConflict, 'IndexOptionsConflict', `An equivalent index already exists with a different name or options: ${sameKeys.name}`);
      indexes.push({ name, ...structuredClone(spec) });
      log.push(`createIndex ${collection} ${name}`);
    },
    async setExpiry(collection, key, expireAfterSeconds) {
      await tick();
      const index = (collections.get(collection) ?? []).find((candidate) => sameKey(candidate.key, key));
      if (!index) throw serverError(CODES.IndexNotFound, 'IndexNotFound', `cannot find index ${nameOf(key)}`);
      index.expireAfterSeconds = expireAfterSeconds;
      log.push(`collMod ${collection} ${index.name} ${expireAfterSeconds}`);
    },
    async dropIndex(collection, name) {
      await tick();
      const indexes = collections.get(collection) ?? [];
      const at = indexes.findIndex((index) => index.name === name);
      if (at === -1) throw serverError(CODES.IndexNotFound, 'IndexNotFound', `index not found with name [${name}]`);
      indexes.splice(at, 1);
      log.push(`dropIndex ${collection} ${name}`);
    },
  });

  return { admin, collections, log };
}
