// The port every SMS transport implements (webhook, outbox; a Twilio-style provider can be added beside them).

export interface SmsMessage {
  /** E.164 phone number, e.g. +14155550123. */
  to: string;
  body: string;
}

export interface SmsReceipt {
  /** Where the message went when that is a place (the outbox's file path). */
  location?: string;
}

export interface SmsTransport {
  send(message: SmsMessage): Promise<SmsReceipt>;
}

export class SmsDeliveryError extends Error {
  /** The gateway's HTTP status, when it answered at all. */
  readonly status: number | null;

  constructor(message: string, options: { status?: number | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SmsDeliveryError';
    this.status = options.status ?? null;
  }
}
