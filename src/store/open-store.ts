// Picks the store from the configuration: MongoDB when mongodb_uri is set, else the embedded one.
import type { Config } from '../config.ts';
import type { Store } from './ports.ts';
import { createEmbeddedStore } from './embedded/index.ts';

export interface OpenStoreOptions {
  /** The embedded store's clock (tests). MongoDB always times job leases by its own clock. */
  clock?: () => Date;
  /** Where the MongoDB boot says what it did to the indexes. */
  logger?: { info(fields: Record<string, unknown>, message: string): void; warn(fields: Record<string, unknown>, message: string): void };
}

export async function openStore(config: Config, { clock, logger }: OpenStoreOptions = {}): Promise<Store> {
  if (config.mongodb_uri) {
    // Loaded only when used, so the embedded default never pays for the driver.
    const { createMongoStore } = await import('./mongo/index.ts');
    return createMongoStore({ uri: config.mongodb_uri, auditRetentionDays: config.audit_retention_days, logger });
  }
  return createEmbeddedStore({ dataDir: config.data_dir, clock, backgroundCheckpoints: true });
}
