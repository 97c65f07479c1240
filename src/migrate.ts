// `npm run migrate`: the explicit step that drops MongoDB indexes this version no longer declares
// (or whose options changed), then builds what is missing. Boot never drops; run this once per
// deploy that changes indexes, after every node runs the new version. `--dry-run` only lists.
import { exitOnConfigError, loadConfig } from './config.ts';
import { createLogger } from './logging/logger.ts';
import { createModels } from './store/mongo/models.ts';
import { connectionAdmin } from './store/mongo/mongo-admin.ts';
import { migrateIndexes, wantedIndexes } from './store/mongo/index-sync.ts';
import { openMongoConnection } from './store/mongo/index.ts';
import { assertTransactionSupport } from './store/mongo/transaction-support.ts';

const dryRun = process.argv.includes('--dry-run');
const config = await exitOnConfigError(() => loadConfig());
const logger = createLogger({ level: config.log_level });
if (!config.mongodb_uri) {
  // The embedded store keeps its schema up to date as it opens; there is nothing to migrate.
  logger.info({}, 'mongodb_uri is unset: the embedded store needs no migration');
  process.exit(0);
}
const connection = openMongoConnection(config.mongodb_uri);
try {
  await connection.asPromise();
  const admin = connectionAdmin(connection);
  await assertTransactionSupport(admin);
  const models = createModels(connection, { auditRetentionDays: config.audit_retention_days });
  const dropped = await migrateIndexes(admin, wantedIndexes(models), logger, { dryRun });
  logger.info({ dropped: dropped.length, dry_run: dryRun }, dryRun ? 'migration planned (nothing changed)' : 'migration done');
} catch (error) {
  logger.fatal({ err: error }, `migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await connection.close();
}
