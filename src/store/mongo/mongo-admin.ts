// The few server commands the store's boot and migration need, behind one narrow interface: the
// real one wraps the connection's database; tests play a stand-in server through the same shape.
import type { Connection } from 'mongoose';

/** An index as listIndexes reports it: its name, key pattern and options. */
export interface IndexInfo {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Record<string, unknown>;
}

export interface IndexSpec {
  key: Record<string, 1 | -1>;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Record<string, unknown>;
}

export interface HelloReply {
  /** Present on a replica set member. */
  setName?: string;
  /** 'isdbgrid' from a mongos (a sharded cluster). */
  msg?: string;
  isWritablePrimary?: boolean;
}

export interface MongoAdmin {
  hello(): Promise<HelloReply>;
  listCollections(): Promise<string[]>;
  createCollection(name: string): Promise<void>;
  /** Empty for a collection that does not exist (yet). */
  listIndexes(collection: string): Promise<IndexInfo[]>;
  createIndex(collection: string, spec: IndexSpec): Promise<void>;
  /** Changes a TTL index's expiry in place (collMod): no rebuild, no window without the index. */
  setExpiry(collection: string, key: Record<string, unknown>, expireAfterSeconds: number): Promise<void>;
  dropIndex(collection: string, name: string): Promise<void>;
}

/** MongoDB's error codes the boot tolerates or explains. */
export const CODES = { NamespaceNotFound: 26, IndexNotFound: 27, NamespaceExists: 48, IndexOptionsConflict: 85, IndexKeySpecsConflict: 86 } as const;

export const codeOf = (error: unknown): number | undefined => (error as { code?: number } | null)?.code;

export function connectionAdmin(connection: Connection): MongoAdmin {
  const db = () => {
    if (!connection.db) throw new Error('MongoDB connection is not open');
    return connection.db;
  };
  return {
    async hello() {
      return (await db().admin().command({ hello: 1 })) as HelloReply;
    },
    async listCollections() {
      return (await db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    },
    async createCollection(name) {
      await db().createCollection(name);
    },
    async listIndexes(collection) {
      try {
        return (await db().collection(collection).listIndexes().toArray()) as IndexInfo[];
      } catch (error) {
        if (codeOf(error) === CODES.NamespaceNotFound) return [];
        throw error;
      }
    },
    async createIndex(collection, { key, ...options }) {
      await db().collection(collection).createIndex(key, options);
    },
    async setExpiry(collection, key, expireAfterSeconds) {
      await db().command({ collMod: collection, index: { keyPattern: key, expireAfterSeconds } });
    },
    async dropIndex(collection, name) {
      await db().collection(collection).dropIndex(name);
    },
  };
}
