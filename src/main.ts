// Process entry: config → store → app → listen, and a graceful stop on SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { exitOnConfigError, loadConfig } from './config.ts';
import { resolveSecrets, shareGeneratedSecrets } from './secrets/secrets.ts';
import { openStore } from './store/open-store.ts';
import { createApp } from './app.ts';
import { validateClientMetadata } from './oidc/client-metadata-validation.ts';
import { createLogger } from './logging/logger.ts';
import { firstRunBanner } from './first-run-banner.ts';
import { lowerThreadPoolPriority } from './accounts/hashing-priority.ts';
import { createOwnerInvitation } from './cli/owner-invitation.ts';

const config = await exitOnConfigError(() => loadConfig());
const logger = createLogger({ level: config.log_level });
const localSecrets = await exitOnConfigError(() => resolveSecrets(config));
let store: Awaited<ReturnType<typeof openStore>>;
try {
  store = await openStore(config, { logger });
} catch (error) {
  // A server that cannot serve us (unreachable, standalone without transactions): say why and stop.
  logger.fatal({ err: error }, `cannot open the store: ${(error as Error).message}`);
  process.exit(1);
}
// Nodes sharing the store agree on generated development secrets: the first one's win.
const secrets = await shareGeneratedSecrets(config, store.settings, localSecrets);
if (secrets.generated.length) {
  logger.warn({ generated: secrets.generated }, 'development secrets in use (generated, shared through the store and kept in data_dir); production refuses them');
}
// Password hashing runs on the thread pool; below the event loop, it cannot starve it.
logger.info({ threads: await lowerThreadPoolPriority() }, 'thread pool at lower CPU priority');
const guestlist = await exitOnConfigError(async () => {
  const app = createApp({ config, store, secrets, logger });
  // Every client is checked now, not at its first sign-in in front of an end user.
  await validateClientMetadata(app.provider, app.apps);
  return app;
});
// A fresh development start also makes the owner's one-time invitation into the console.
const ownerInviteUrl = secrets.generatedNow && !config.production ? await createOwnerInvitation(guestlist.services.invites, config.issuer) : undefined;

// Timeouts are enforced by a sweep; every second instead of Node's default 30 s keeps them honest.
const server = createServer({ connectionsCheckingInterval: 1_000 }, guestlist.app.callback());
// Slow clients are cut off instead of holding sockets open forever.
server.headersTimeout = 15_000;
server.requestTimeout = 30_000;
server.keepAliveTimeout = 5_000;

server.listen(config.port, () => {
  logger.info({ issuer: config.issuer, port: config.port, store: store.kind }, 'guestlist listening');
  if (secrets.generatedNow) process.stdout.write(firstRunBanner(config, secrets, ownerInviteUrl));
});

/** How long /readyz answers 503 before the listener closes on SIGTERM. */
const READINESS_GRACE_MS = 1_000;
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: draining in-flight requests');
  // /readyz answers 503 first, so a load balancer stops sending traffic here.
  guestlist.startDraining();
  // Keep serving for a moment with /readyz at 503, so the load balancer sees it and stops
  // routing here before the listener closes; then refuse new connections and drain.
  await new Promise((resolve) => setTimeout(resolve, READINESS_GRACE_MS));
  server.closeIdleConnections();
  const forced = setTimeout(() => {
    logger.warn('drain timed out; closing remaining connections');
    server.closeAllConnections();
  }, 10_000);
  forced.unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await guestlist.stop();
  await store.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
