// Sends SMS through a gateway webhook: POST {"to", "body"} as JSON; anything but a 2xx is a failure.
import { SmsDeliveryError, type SmsMessage, type SmsReceipt, type SmsTransport } from './sms-transport.ts';
import { silentLogger, type Logger } from '../mail/logger.ts';

export interface WebhookSmsTransportOptions {
  url: string;
  timeoutMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
}

export function createWebhookSmsTransport(options: WebhookSmsTransportOptions): SmsTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const logger = options.logger ?? silentLogger;
  const doFetch = options.fetch ?? fetch;
  // The URL may carry a gateway key in its query: log the host only.
  const host = new URL(options.url).host;

  return {
    async send(message: SmsMessage): Promise<SmsReceipt> {
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ to: message.to, body: message.body }),
          // A hung gateway must not hold a sign-up request open forever.
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        const reason = (error as Error)?.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (error as Error)?.message ?? String(error);
        logger.warn({ gateway: host, error: reason }, 'SMS webhook unreachable');
        throw new SmsDeliveryError(`SMS webhook unreachable: ${reason}`, { cause: error });
      }
      // Drain the body so the connection is reusable; its content is not ours to log (it may echo the code).
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        logger.warn({ gateway: host, status: response.status }, 'SMS webhook refused the message');
        throw new SmsDeliveryError(`SMS webhook answered ${response.status}`, { status: response.status });
      }
      logger.info({ gateway: host, status: response.status }, 'SMS sent through the webhook');
      return {};
    },
  };
}
