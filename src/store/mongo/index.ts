// The MongoDB store (mongoose): same ports as the embedded one, for several instances behind a balancer.
import mongoose, { type Connection } from 'mongoose';
import type { Store } from '../ports.ts';
import { createModels, type Models } from './models.ts';
import { createSequence } from './sequence.ts';
import { createMongoInviteStore } from './invites.ts';
import { createMongoAccountStore } from './accounts.ts';
import { createMongoAuditStore } from './audit.ts';
import { createMongoRateLimitStore } from './rate-limits.ts';
import { createMongoJobStore } from './jobs.ts';
import { createMongoVerificationStore } from './verifications.ts';
import { createMongoWaitlistStore } from './waitlist.ts';
import { createMongoOidcPayloadStore } from './oidc-payloads.ts';
import { createMongoSettingsStore } from './settings.ts';
import { createMongoFederatedIdentityStore } from './federated-identities.ts';
import { createMongoConsoleSessionStore } from './console-sessions.ts';
import { createMongoAccountCodeStore } from './account-codes.ts';
import { createMongoMfaStore } from './mfa.ts';
import { connectionAdmin, type MongoAdmin } from './mongo-admin.ts';
import { ensureIndexes, wantedIndexes, type SyncLog } from './index-sync.ts';
import { assertTransactionSupport } from './transaction-support.ts';

export interface MongoStoreOptions {
  /**
   * A replica set (or a mongos) is required: redeeming an invite is a multi-document transaction.
   * In development a single-node replica set will do (`mongod --replSet rs0` + `rs.initiate()`).
   */
  uri: string;
  /**
   * Replaces the database's clock (job leases) and the node's (payload expiry): tests move time
   * by hand. Unset in production, where every lease is timed by the server itself.
   */
  clock?: () => Date;
  /** Audit events older than this are removed by a TTL index on `at`; unset keeps them. */
  auditRetentionDays?: number;
  /** Where boot says what it did to the indexes (created, expiry moved, left for migrate). */
  logger?: SyncLog;
}

const silent: SyncLog = { info() {}, warn() {} };
/** A readiness probe gives up on a write after this long: no writable primary in sight. */
const PING_TIMEOUT_MS = 5_000;

/** Opens the connection with the options every node and the migrate step share. */
export function openMongoConnection(uri: string): Connection {
  return mongoose.createConnection(uri, {
    // Every filter object holding `$` keys that this store did not mark as its own is wrapped
    // in $eq: a value smuggled in from a request can only ever be matched literally.
    sanitizeFilter: true,
    // Collections and indexes are made once, at boot, and awaited (bootMongoStore), never in the
    // background by mongoose: the store is not handed out half-indexed.
    autoIndex: false,
    autoCreate: false,
    // Fail fast instead of queueing operations while the server is unreachable (readyz says so).
    bufferCommands: false,
    serverSelectionTimeoutMS: 10_000,
    // Acknowledged by a majority and read from the primary: a write is never lost to a failover,
    // and a page read after a write sees it (read your writes).
    w: 'majority',
    readPreference: 'primary',
  });
}

/**
 * What every node does before serving: refuse a server without transactions, then make sure
 * every collection and index exists. Safe to run on many nodes at once; drops nothing.
 */
export async function bootMongoStore(admin: MongoAdmin, models: Models, logger: SyncLog = silent): Promise<void> {
  await assertTransactionSupport(admin);
  await ensureIndexes(admin, wantedIndexes(models), logger);
}

/** The ports over models on a connection that bootMongoStore has prepared. */
export function assembleMongoStore(connection: Connection, models: Models, options: Pick<MongoStoreOptions, 'clock'> = {}): Store {
  const nextSeq = createSequence(models.Counter);
  const nodeClock = options.clock ?? (() => new Date());
  let closed = false;
  return {
    kind: 'mongo',
    invites: createMongoInviteStore(connection, models, nextSeq),
    accounts: createMongoAccountStore(connection, models, nextSeq),
    audit: createMongoAuditStore(models),
    rateLimits: createMongoRateLimitStore(models),
    jobs: createMongoJobStore(connection, models, options.clock),
    verifications: createMongoVerificationStore(models),
    waitlist: createMongoWaitlistStore(models, nextSeq),
    oidc: createMongoOidcPayloadStore(models, nodeClock),
    settings: createMongoSettingsStore(models),
    federatedIdentities: createMongoFederatedIdentityStore(models),
    consoleSessions: createMongoConsoleSessionStore(models),
    accountCodes: createMongoAccountCodeStore(models, nextSeq),
    mfa: createMongoMfaStore(connection, models),
    async ping() {
      if (closed) throw new Error('MongoDB store is closed');
      // Readiness means writable, as for the embedded store: a node that can still read but has
      // no primary to write to (a lost election, a partition) must turn /readyz to 503.
      let timer: NodeJS.Timeout | undefined;
      const write = models.Setting.updateOne({ _id: 'readyz.heartbeat' }, { $set: { value: nodeClock().toISOString() } }, { upsert: true }).exec();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no writable MongoDB primary within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([write, timeout]);
      } finally {
        clearTimeout(timer);
        // The write may still settle after a timeout; its outcome no longer matters.
        write.catch(() => undefined);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}

export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const connection = openMongoConnection(options.uri);
  try {
    await connection.asPromise();
    const models = createModels(connection, { auditRetentionDays: options.auditRetentionDays });
    await bootMongoStore(connectionAdmin(connection), models, options.logger);
    return assembleMongoStore(connection, models, options);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
