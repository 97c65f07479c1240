// Shared pieces of the verification tests: a local SMS gateway, and reading codes out of what
// was actually delivered (real SMTP, real HTTP), never out of the store.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMail } from '../mail/mime.ts';
import type { TestSmtpServer } from '../mail/smtp-test-server.ts';
import type { RunningGuestlist } from '../support/start-guestlist.ts';

export interface SmsReceiver {
  url: string;
  received: { to: string; body: string }[];
  close(): Promise<void>;
}

/** An SMS gateway on loopback that accepts POST {to, body} as the contract's webhook sends it. */
export async function startSmsReceiver(): Promise<SmsReceiver> {
  const received: { to: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; body: string });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sixDigits = /\b(\d{6})\b/;

/** Every code mailed to `to` so far, oldest first, read from the text part as a mail client shows it. */
export function mailedCodes(smtp: TestSmtpServer, to: string): string[] {
  return smtp.received
    .filter((mail) => mail.to.includes(to))
    .map((mail) => {
      const text = parseMail(mail.raw).parts.find((part) => part.contentType.startsWith('text/plain'))!.body;
      return sixDigits.exec(text)![1]!;
    });
}

/** Delivers queued mail until `count` codes reached `to` (the worker may be sending too). */
export async function waitForMailedCode(gl: RunningGuestlist, smtp: TestSmtpServer, to: string, count = 1): Promise<string> {
  for (let round = 0; round < 400; round++) {
    await gl.guestlist.services.mail.drain();
    const codes = mailedCodes(smtp, to);
    if (codes.length >= count) return codes[count - 1]!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no verification email #${count} reached ${to}`);
}

/** Every code texted to `to` so far, oldest first. */
export function textedCodes(sms: SmsReceiver, to: string): string[] {
  return sms.received.filter((message) => message.to === to).map((message) => sixDigits.exec(message.body)![1]!);
}

/** A code that is not `code` (for wrong tries). */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
