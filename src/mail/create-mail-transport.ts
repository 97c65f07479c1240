// Picks the mail transport the configuration asks for: SMTP when smtp_url is set, else the outbox.
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { MailTransport } from './mail-transport.ts';
import type { Logger } from './logger.ts';
import { createSmtpTransport } from './smtp-transport.ts';
import { createOutboxTransport } from './outbox-transport.ts';

export function createMailTransport(
  config: Pick<Config, 'smtp_url' | 'mail_from' | 'data_dir'>,
  deps: { logger?: Logger; clock?: () => Date } = {},
): MailTransport {
  if (config.smtp_url) return createSmtpTransport({ url: config.smtp_url, from: config.mail_from, logger: deps.logger });
  return createOutboxTransport({ dir: join(config.data_dir, 'outbox'), from: config.mail_from, logger: deps.logger, clock: deps.clock });
}
