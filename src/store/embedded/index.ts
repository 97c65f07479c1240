// The embedded store: one SQLite file under data_dir (node:sqlite, no server, no dependency).
import { join } from 'node:path';
import type { Store } from '../ports.ts';
import { openDatabase } from './database.ts';
import { createEmbeddedInviteStore } from './invites.ts';
import { createEmbeddedAccountStore } from './accounts.ts';
import { createEmbeddedAuditStore } from './audit.ts';
import { createEmbeddedRateLimitStore } from './rate-limits.ts';
import { createEmbeddedJobStore } from './jobs.ts';
import { createEmbeddedVerificationStore } from './verifications.ts';
import { createEmbeddedOidcPayloadStore } from './oidc-payloads.ts';
import { createEmbeddedWaitlistStore } from './waitlist.ts';
import { createEmbeddedSettingsStore } from './settings.ts';
import { createEmbeddedFederatedIdentityStore } from './federated-identities.ts';
import { createEmbeddedConsoleSessionStore } from './console-sessions.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import { createEmbeddedAccountCodeStore } from './account-codes.ts';
import { createEmbeddedMfaStore } from './mfa.ts';

export interface EmbeddedStoreOptions {
  /** Folder holding guestlist.db; omit for an in-memory database (tests). */
  dataDir?: string;
  clock?: () => Date;
  /** Checkpoint the WAL from a worker thread instead of the writing one (the server sets it). */
  backgroundCheckpoints?: boolean;
}

export function createEmbeddedStore(options: EmbeddedStoreOptions = {}): Store {
  const path = options.dataDir ? join(options.dataDir, 'guestlist.db') : ':memory:';
  const db = openDatabase(path);
  const checkpointer = options.backgroundCheckpoints && options.dataDir ? startWalCheckpointer(db, path) : null;
  const clock = options.clock ?? (() => new Date());
  // Readiness means writable: a read-only file or a full disk must turn /readyz to 503, and a
  // SELECT would still succeed. One tiny row is rewritten instead.
  const ping = db.prepare("INSERT INTO settings (key, value) VALUES ('readyz.heartbeat', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  let closed = false;
  return {
    kind: 'embedded',
    invites: createEmbeddedInviteStore(db),
    accounts: createEmbeddedAccountStore(db),
    audit: createEmbeddedAuditStore(db),
    rateLimits: createEmbeddedRateLimitStore(db),
    jobs: createEmbeddedJobStore(db, clock),
    verifications: createEmbeddedVerificationStore(db, clock),
    waitlist: createEmbeddedWaitlistStore(db),
    oidc: createEmbeddedOidcPayloadStore(db, clock),
    settings: createEmbeddedSettingsStore(db),
    federatedIdentities: createEmbeddedFederatedIdentityStore(db),
    consoleSessions: createEmbeddedConsoleSessionStore(db),
    accountCodes: createEmbeddedAccountCodeStore(db),
    mfa: createEmbeddedMfaStore(db, clock),
    async ping() {
      ping.run(String(clock().getTime()));
    },
    async close() {
      if (closed) return;
      closed = true;
      await checkpointer?.stop();
      db.close();
    },
  };
}
