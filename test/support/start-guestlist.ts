// Starts a whole Guestlist in-process on a random loopback port, on an in-memory embedded store
// (or a given one), with a controllable clock and captured logs. The real HTTP surface, no mocks.
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.ts';
import { resolveSecrets } from '../../src/secrets/secrets.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Store } from '../../src/store/ports.ts';
import { createApp, type AppDeps, type GuestlistApp } from '../../src/app.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { validateClientMetadata } from '../../src/oidc/client-metadata-validation.ts';
import { createTestClock, type TestClock } from './test-clock.ts';

export interface StartOptions {
  /** Environment-style options (upper-case names), as an operator would set them. */
  env?: Record<string, string>;
  store?: Store;
  clock?: TestClock;
  /** Keep the store open on stop (to restart on the same data). */
  keepStore?: boolean;
  dataDir?: string;
  extraDeps?: Partial<AppDeps>;
  /** Listen on this port (a restart that must keep its issuer); default: any free one. */
  port?: number;
  /**
   * The issuer's host name (it still listens on 127.0.0.1): `localhost` for WebAuthn, whose
   * relying-party ID must be a domain name, never an IP address.
   */
  host?: 'localhost';
}

export interface RunningGuestlist {
  url: string;
  config: Config;
  store: Store;
  clock: TestClock;
  guestlist: GuestlistApp;
  server: Server;
  /** Every log line written so far, as text. */
  logs(): string;
  adminClientId: string;
  adminClientSecret: string;
  stop(): Promise<void>;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startGuestlist(options: StartOptions = {}): Promise<RunningGuestlist> {
  const clock = options.clock ?? createTestClock();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'guestlist-test-'));
  const ownsDataDir = !options.dataDir;
  // The issuer must name the port, so the server listens before the app is built.
  const server = createServer();
  const port = await listen(server, options.port);
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const store = options.store ?? createEmbeddedStore({ clock: clock.now });
  let built: { config: Config; secrets: ReturnType<typeof resolveSecrets>; guestlist: GuestlistApp } | undefined;
  try {
    const config = loadConfig({ env: { DATA_DIR: dataDir, ISSUER: url, LOG_LEVEL: 'info', ...options.env } });
    const secrets = resolveSecrets(config);
    const guestlist = createApp({ config, store, secrets, logger, clock: clock.now, ...options.extraDeps });
    built = { config, secrets, guestlist };
    // As main.ts does: a test's clients must pass the same start-up check as an operator's.
    await validateClientMetadata(guestlist.provider, guestlist.apps);
  } catch (error) {
    // A refused start leaves nothing running behind it (jest would wait on it forever).
    await built?.guestlist.stop();
    server.close();
    if (!options.store) await store.close();
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { config, secrets, guestlist } = built;
  server.on('request', guestlist.app.callback());
  return {
    url,
    config,
    store,
    clock,
    guestlist,
    server,
    logs: () => lines.join(''),
    adminClientId: secrets.adminClientId,
    adminClientSecret: secrets.adminClientSecret,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await guestlist.stop?.();
      if (!options.keepStore) await store.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      // One turn of the event loop, so this process's own kept-alive client sockets see the close
      // before a restart on the same port could be handed one of them.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** An admin access token by client_credentials, as any operator would get one. */
export async function adminToken(gl: RunningGuestlist): Promise<string> {
  const response = await fetch(`${gl.url}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${gl.adminClientId}:${gl.adminClientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=admin',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no admin token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** POST JSON with an optional bearer token; returns status, headers and parsed body. */
export async function postJson(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export async function getJson(url: string, token?: string) {
  const response = await fetch(url, { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Creates an invite through the admin API and returns the JSON answer (with token and url). */
export async function createInvite(gl: RunningGuestlist, body: Record<string, unknown> = {}, token?: string) {
  const result = await postJson(`${gl.url}/admin/invites`, body, token ?? (await adminToken(gl)));
  if (result.status !== 201) throw new Error(`invite not created: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { id: string; token: string; url: string; email: string | null; status: string; uses: number; max_uses: number };
}
