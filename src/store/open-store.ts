// Picks the store from the configuration: MongoDB when mongodb_uri is set, else the embedded one.
import type { Config } from '../config.ts';
import type { Store } from './ports.ts';
import { createEmbeddedStore } from './embedded/index.ts';

export async function openStore(config: Config, clock: () => Date = () => new Date()): Promise<Store> {
  if (config.mongodb_uri) {
    // Loaded only when used, so the embedded default never pays for the driver.
    const { createMongoStore } = await import('./mongo/index.ts');
    return createMongoStore({ uri: config.mongodb_uri, clock, auditRetentionDays: config.audit_retention_days });
  }
  return createEmbeddedStore({ dataDir: config.data_dir, clock, backgroundCheckpoints: true });
}
