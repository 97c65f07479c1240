// The MongoDB store (mongoose): same ports as the embedded one, for several instances behind a balancer.
import mongoose from 'mongoose';
import type { Store } from '../ports.ts';
import { createModels, syncModels } from './models.ts';
import { createSequence } from './sequence.ts';
import { createMongoInviteStore } from './invites.ts';
import { createMongoAccountStore } from './accounts.ts';
import { createMongoAuditStore } from './audit.ts';
import { createMongoRateLimitStore } from './rate-limits.ts';
import { createMongoJobStore } from './jobs.ts';
import { createMongoVerificationStore } from './verifications.ts';
import { createMongoOidcPayloadStore } from './oidc-payloads.ts';
import { createMongoSettingsStore } from './settings.ts';
import { createMongoConsoleSessionStore } from './console-sessions.ts';

export interface MongoStoreOptions {
  /**
   * A replica set is required: redeeming an invite is a multi-document transaction. In
   * development a single-node replica set will do (`mongod --replSet rs0` + `rs.initiate()`).
   */
  uri: string;
  clock?: () => Date;
  /** Audit events older than this are removed by a TTL index on `at`; unset keeps them. */
  auditRetentionDays?: number;
}

export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const connection = mongoose.createConnection(options.uri, {
    // Every filter object holding `$` keys that this store did not mark as its own is wrapped
    // in $eq: a value smuggled in from a request can only ever be matched literally.
    sanitizeFilter: true,
    // Indexes are built once, below, and awaited: the store is not handed out half-indexed.
    autoIndex: false,
    // Fail fast instead of queueing operations while the server is unreachable (readyz says so).
    bufferCommands: false,
    serverSelectionTimeoutMS: 10_000,
  });
  try {
    await connection.asPromise();
    const models = createModels(connection, { auditRetentionDays: options.auditRetentionDays });
    await syncModels(models);
    const clock = options.clock ?? (() => new Date());
    const nextSeq = createSequence(models.Counter);
    let closed = false;
    return {
      kind: 'mongo',
      invites: createMongoInviteStore(connection, models, nextSeq),
      accounts: createMongoAccountStore(connection, models, nextSeq),
      audit: createMongoAuditStore(models, nextSeq),
      rateLimits: createMongoRateLimitStore(models),
      jobs: createMongoJobStore(models, nextSeq),
      verifications: createMongoVerificationStore(models),
      oidc: createMongoOidcPayloadStore(models, clock),
      settings: createMongoSettingsStore(models),
      consoleSessions: createMongoConsoleSessionStore(models),
      async ping() {
        if (closed || !connection.db) throw new Error('MongoDB store is closed');
        await connection.db.admin().ping();
      },
      async close() {
        if (closed) return;
        closed = true;
        await connection.close();
      },
    };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
