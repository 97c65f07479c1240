// Writes each SMS as a JSON file under <data_dir>/outbox, for development and tests without a gateway.
import { writeOutboxFile } from '../mail/outbox-file.ts';
import { silentLogger, type Logger } from '../mail/logger.ts';
import type { SmsMessage, SmsReceipt, SmsTransport } from './sms-transport.ts';

export interface OutboxSmsTransportOptions {
  dir: string;
  clock?: () => Date;
  logger?: Logger;
}

export function createOutboxSmsTransport(options: OutboxSmsTransportOptions): SmsTransport {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  return {
    async send(message: SmsMessage): Promise<SmsReceipt> {
      const now = clock();
      // The same shape the webhook receives, plus when: a test can read it as it would the gateway's request.
      const content = `${JSON.stringify({ to: message.to, body: message.body, at: now.toISOString() }, null, 2)}\n`;
      const path = await writeOutboxFile(options.dir, 'sms.json', content, now);
      logger.info({ file: path }, 'SMS written to the outbox');
      return { location: path };
    },
  };
}
