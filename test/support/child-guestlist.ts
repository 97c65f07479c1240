// Starts Guestlist as its own process (`node src/main.ts`) on a loopback port and a data dir, as
// an operator would: for benchmarks and for crash, signal and timeout tests that need a real process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Fixed admin credentials, so callers need not read the generated secrets file. */
export const CHILD_ADMIN = { id: 'bench-admin', secret: 'bench-admin-secret-0123456789abcdefghijklmnop' };

export interface ChildGuestlist {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  /** Extra node flags, before the script (e.g. --import a preload). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startChildGuestlist(options: ChildOptions = {}): Promise<ChildGuestlist> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'guestlist-child-'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...(options.nodeArgs ?? []), 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      ISSUER: url,
      LOG_LEVEL: 'warn',
      ADMIN_CLIENT_ID: CHILD_ADMIN.id,
      ADMIN_CLIENT_SECRET: CHILD_ADMIN.secret,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (gone) throw new Error(`guestlist exited before it was ready:\n${text}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`guestlist not ready within the time limit:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    dataDir,
    child,
    output: () => text,
    exited,
    async stop(graceMs = 15_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An admin access token from the child by client_credentials. */
export async function childAdminToken(url: string): Promise<string> {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${CHILD_ADMIN.id}:${CHILD_ADMIN.secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=admin',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no admin token: ${JSON.stringify(body)}`);
  return body.access_token;
}
