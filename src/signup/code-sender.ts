// Delivers verification codes: email through the durable mail queue (sealed at rest), SMS through
// the SMS transport port (webhook or outbox; a provider such as Twilio plugs in there).
import type { MailQueue } from '../mail/mail-queue.ts';
import type { SmsTransport } from '../sms/sms-transport.ts';

export interface CodeSender {
  email(to: string, code: string, expiresInMinutes: number): Promise<void>;
  sms(to: string, code: string, expiresInMinutes: number): Promise<void>;
}

export function createCodeSender({ mail, sms, productName }: { mail: MailQueue; sms: SmsTransport; productName: string }): CodeSender {
  return {
    async email(to, code, expiresInMinutes) {
      // The queue retries a flaky SMTP server; the meta carries nothing secret (it reaches callbacks and logs).
      await mail.enqueue({ template: 'verification-code', to, code, expiresInMinutes }, { purpose: 'verification' });
    },
    async sms(to, code, expiresInMinutes) {
      // Sent inline: an SMS that did not leave is the caller's to know now (503), and "send a new code" retries it.
      await sms.send({ to, body: `${code} is your ${productName} code. It expires in ${expiresInMinutes} minutes.` });
    },
  };
}
