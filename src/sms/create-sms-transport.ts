// Picks the SMS transport the configuration asks for: the webhook when sms_webhook_url is set, else the outbox.
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../mail/logger.ts';
import type { SmsTransport } from './sms-transport.ts';
import { createWebhookSmsTransport } from './webhook-sms-transport.ts';
import { createOutboxSmsTransport } from './outbox-sms-transport.ts';

export function createSmsTransport(
  config: Pick<Config, 'sms_webhook_url' | 'data_dir'>,
  deps: { logger?: Logger; clock?: () => Date; fetch?: typeof fetch } = {},
): SmsTransport {
  if (config.sms_webhook_url) return createWebhookSmsTransport({ url: config.sms_webhook_url, logger: deps.logger, fetch: deps.fetch });
  return createOutboxSmsTransport({ dir: join(config.data_dir, 'outbox'), logger: deps.logger, clock: deps.clock });
}
