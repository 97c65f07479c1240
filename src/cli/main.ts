// The `guestlist` command's process: configuration and store as the server has them, the same
// services (no workers: a queued email goes out from the running server), then one command.
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../logging/logger.ts';
import { relyingParties } from '../oidc/clients.ts';
import { resolveSecrets } from '../secrets/secrets.ts';
import { createServices } from '../services.ts';
import { openStore } from '../store/open-store.ts';
import { runCli } from './cli.ts';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  // Warnings and errors only, on stderr: stdout carries the answer (a link, a list) for scripts.
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const store = await openStore(config);
  try {
    const clock = () => new Date();
    const services = createServices({ config, store, secrets: resolveSecrets(config), logger, clock, apps: relyingParties(config) });
    return await runCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }, { services, issuer: config.issuer, clock });
  } finally {
    await store.close();
  }
}

process.exitCode = await main();
