// SMS transports: the webhook POSTs {to, body} to a real local HTTP receiver; the outbox writes a file.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createWebhookSmsTransport } from '../../src/sms/webhook-sms-transport.ts';
import { createOutboxSmsTransport } from '../../src/sms/outbox-sms-transport.ts';
import { createSmsTransport } from '../../src/sms/create-sms-transport.ts';
import { SmsDeliveryError } from '../../src/sms/sms-transport.ts';
import { recordingLogger, testClock, testConfig } from '../mail/fixtures.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReceiver(answer: { status: number; hang?: boolean } = { status: 200 }) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (answer.hang) return; // never answers: the transport's timeout must end the wait
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{"echo":"Your code is 123456"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/sms?key=gateway-secret`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const message = { to: '+14155550123', body: 'Your Acme Guests code is 123456' };

describe('webhook SMS transport', () => {
  test('POSTs {to, body} as JSON to the configured URL', async () => {
    const receiver = await startReceiver();
    try {
      const logger = recordingLogger();
      await createWebhookSmsTransport({ url: receiver.url, logger }).send(message);
      expect(receiver.received).toHaveLength(1);
      const [request] = receiver.received;
      expect(request!.method).toBe('POST');
      expect(request!.url).toBe('/sms?key=gateway-secret');
      expect(request!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request!.body)).toEqual({ to: '+14155550123', body: 'Your Acme Guests code is 123456' });
      const logged = logger.lines.join('\n');
      expect(logged).not.toContain('123456');
      expect(logged).not.toContain('gateway-secret');
      expect(logged).not.toContain('4155550123');
    } finally {
      await receiver.close();
    }
  });

  test('a non-2xx answer is an error carrying the status', async () => {
    const receiver = await startReceiver({ status: 502 });
    try {
      const error = (await createWebhookSmsTransport({ url: receiver.url }).send(message).catch((e: unknown) => e)) as SmsDeliveryError;
      expect(error).toBeInstanceOf(SmsDeliveryError);
      expect(error.status).toBe(502);
      expect(error.message).toBe('SMS webhook answered 502');
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('a gateway that never answers ends in a timeout error', async () => {
    const receiver = await startReceiver({ status: 200, hang: true });
    try {
      const error = (await createWebhookSmsTransport({ url: receiver.url, timeoutMs: 50 }).send(message).catch((e: unknown) => e)) as SmsDeliveryError;
      expect(error).toBeInstanceOf(SmsDeliveryError);
      expect(error.status).toBeNull();
      expect(error.message).toContain('timed out');
    } finally {
      await receiver.close();
    }
  });
});

describe('outbox SMS transport', () => {
  test('writes the message as a JSON file named by time and a random id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guestlist-sms-'));
    const logger = recordingLogger();
    const receipt = await createOutboxSmsTransport({ dir, clock: testClock('2025-07-01T10:00:00.000Z').now, logger }).send(message);
    expect(readdirSync(dir)).toEqual([basename(receipt.location!)]);
    expect(basename(receipt.location!)).toMatch(/^20250701T100000-000Z-[0-9a-f]{12}\.sms\.json$/);
    expect(JSON.parse(readFileSync(receipt.location!, 'utf8'))).toEqual({ ...message, at: '2025-07-01T10:00:00.000Z' });
    expect(logger.lines.join('\n')).toContain(basename(receipt.location!));
    expect(logger.lines.join('\n')).not.toContain('123456');
  });

  test('the factory picks the webhook when sms_webhook_url is set, the outbox otherwise', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-data-'));
    const receipt = await createSmsTransport(testConfig({ DATA_DIR: dataDir })).send(message);
    expect(receipt.location!.startsWith(join(dataDir, 'outbox'))).toBe(true);

    const receiver = await startReceiver();
    try {
      const viaWebhook = await createSmsTransport(testConfig({ DATA_DIR: dataDir, SMS_WEBHOOK_URL: receiver.url })).send(message);
      expect(viaWebhook.location).toBeUndefined();
      expect(receiver.received).toHaveLength(1);
      expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
