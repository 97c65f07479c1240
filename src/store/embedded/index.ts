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
import { createEmbeddedSettingsStore } from './settings.ts';

export interface EmbeddedStoreOptions {
  /** Folder holding guestlist.db; omit for an in-memory database (tests). */
  dataDir?: string;
  clock?: () => Date;
}

export function createEmbeddedStore(options: EmbeddedStoreOptions = {}): Store {
  const db = openDatabase(options.dataDir ? join(options.dataDir, 'guestlist.db') : ':memory:');
  const clock = options.clock ?? (() => new Date());
  const ping = db.prepare('SELECT 1');
  let closed = false;
  return {
    kind: 'embedded',
    invites: createEmbeddedInviteStore(db),
    accounts: createEmbeddedAccountStore(db),
    audit: createEmbeddedAuditStore(db),
    rateLimits: createEmbeddedRateLimitStore(db),
    jobs: createEmbeddedJobStore(db),
    verifications: createEmbeddedVerificationStore(db),
    oidc: createEmbeddedOidcPayloadStore(db, clock),
    settings: createEmbeddedSettingsStore(db),
    async ping() {
      ping.get();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
