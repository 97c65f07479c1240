// Sends mail over SMTP with nodemailer, turning its errors into retry-or-give-up decisions.
import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer';
import { MailDeliveryError, type MailMessage, type MailReceipt, type MailTransport } from './mail-transport.ts';
import { recipientDomain, redactAddresses, silentLogger, type Logger } from './logger.ts';

export interface SmtpTransportOptions {
  /** smtp:// or smtps:// URL, credentials included (config.smtp_url). */
  url: string;
  from: string;
  logger?: Logger;
  /**
   * Upper bound on one send. It must stay well under the queue's lease, or a slow server could
   * let a second worker claim the same job and send it twice.
   */
  timeoutMs?: number;
}

/** RFC 5321: 5yz replies are permanent, 4yz transient; 503 only says the session was out of step. */
function isPermanentReply(code: number): boolean {
  return code >= 500 && code < 600 && code !== 503;
}

export function toDeliveryError(error: unknown): MailDeliveryError {
  const err = error as NodemailerError;
  const responseCode = typeof err?.responseCode === 'number' ? err.responseCode : null;
  // Connection refused, timeouts, DNS, auth: no reply code, so nothing says the message itself is bad.
  const permanent = typeof err?.permanent === 'boolean' ? err.permanent : responseCode !== null && isPermanentReply(responseCode);
  const detail = err?.response ?? err?.message ?? String(error);
  // The reason goes to logs and audit events (invite.send_failed), so addresses are cut to their domain.
  const reason = redactAddresses(`${responseCode ?? err?.code ?? 'error'}: ${detail}`.replace(/\s+/g, ' ')).slice(0, 300);
  return new MailDeliveryError(reason, { permanent, responseCode, cause: error });
}

export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });

  return {
    async send(message: MailMessage): Promise<MailReceipt> {
      try {
        const info = await transporter.sendMail({ from: options.from, ...message });
        logger.info({ to_domain: recipientDomain(message.to), message_id: info.messageId }, 'mail sent over SMTP');
        return { messageId: info.messageId };
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
