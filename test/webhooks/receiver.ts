// A webhook receiver on 127.0.0.1 for tests: records every POST (raw body and headers) and can be
// taken down, brought back on the same port, or told to answer errors.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer; a function decides per request (e.g. 500 on an event's first delivery). */
  answer: number | ((body: string, headers: IncomingHttpHeaders) => number);
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves when `count` requests have arrived in total. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let server: Server | null = null;
  let port = 0;

  const receiver: Receiver = {
    url: '',
    received,
    answer: 200,
    async up() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = typeof receiver.answer === 'function' ? receiver.answer(body, req.headers) : receiver.answer;
          received.push({ headers: req.headers, body, status });
          res.writeHead(status).end();
          for (const waiter of waiters.filter((w) => received.length >= w.count)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/hooks`;
    },
    async down() {
      if (!server) return;
      const closing = server;
      server = null;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    waitFor(count) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      return receiver.down();
    },
  };
  await receiver.up();
  return receiver;
}
