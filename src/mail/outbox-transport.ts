// Writes each message as an .eml file under <data_dir>/outbox, for development and tests without SMTP.
import nodemailer from 'nodemailer';
import { writeOutboxFile } from './outbox-file.ts';
import { recipientDomain, silentLogger, type Logger } from './logger.ts';
import type { MailMessage, MailReceipt, MailTransport } from './mail-transport.ts';

export interface OutboxTransportOptions {
  /** The folder the .eml files go to (<data_dir>/outbox). */
  dir: string;
  from: string;
  clock?: () => Date;
  logger?: Logger;
}

// RFC 5322's line limit; past it a part keeps nodemailer's quoted-printable.
const MAX_LINE = 998;

/**
 * Nodemailer would quoted-print any line over 76 characters, soft-breaking long invitation links
 * with "=" mid-token. A file never crosses a 7-bit SMTP hop, so the outbox stores each part as
 * 8bit: the link stays whole for anyone (or any test) reading the file.
 */
function asEightBit(type: 'text/plain' | 'text/html', content: string): string | { raw: string } {
  const normalized = content.replace(/\r\n/g, '\n');
  if (normalized.split('\n').some((line) => Buffer.byteLength(line) > MAX_LINE)) return content;
  return { raw: `Content-Type: ${type}; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${normalized}` };
}

export function createOutboxTransport(options: OutboxTransportOptions): MailTransport {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  // The stream transport builds the exact RFC 822 message SMTP would carry, so the file opens in any mail client.
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  return {
    async send(message: MailMessage): Promise<MailReceipt> {
      const info = await builder.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: asEightBit('text/plain', message.text),
        html: asEightBit('text/html', message.html),
      });
      const path = await writeOutboxFile(options.dir, 'eml', info.message as Buffer, clock());
      // The file name is safe to log by construction; the link inside it is not.
      logger.info({ to_domain: recipientDomain(message.to), file: path }, 'mail written to the outbox');
      return { messageId: info.messageId, location: path };
    },
  };
}
