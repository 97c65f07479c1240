// Serves the built React example (examples/react-app/dist) the way any static host would: files,
// index.html for client-side routes such as /callback, and a config.json naming the Guestlist under test.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export const EXAMPLE_DIST = join(process.cwd(), 'examples', 'react-app', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface StaticApp {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Listens first, so the caller knows the origin (the client's redirect URI) before configuring. */
export async function startStaticApp(settings: () => Record<string, unknown>): Promise<StaticApp> {
  if (!existsSync(join(EXAMPLE_DIST, 'index.html'))) {
    throw new Error(`${EXAMPLE_DIST} is not built: run \`npm --prefix examples/react-app ci && npm --prefix examples/react-app run build\` first.`);
  }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/config.json') {
      res.writeHead(200, { 'Content-Type': TYPES['.json']! });
      res.end(JSON.stringify(settings()));
      return;
    }
    const file = normalize(join(EXAMPLE_DIST, decodeURIComponent(path)));
    const inside = file.startsWith(EXAMPLE_DIST + sep);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(EXAMPLE_DIST, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream' });
    res.end(readFileSync(target));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
