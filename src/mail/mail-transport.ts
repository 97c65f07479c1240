// The port every mail transport implements (SMTP, outbox), and the error that says whether to retry.

/** A fully rendered message: what the queue stores and a transport sends. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface MailReceipt {
  messageId: string;
  /** Where the message went when that is a place (the outbox's file path). */
  location?: string;
}

export interface MailTransport {
  send(message: MailMessage): Promise<MailReceipt>;
  /** Releases connections; optional because a file writer holds none. */
  close?(): Promise<void>;
}

/**
 * A failed send. `permanent` means sending the same message again would fail the same way
 * (an SMTP 5xx), so the queue gives up at once instead of retrying for an hour.
 */
export class MailDeliveryError extends Error {
  readonly permanent: boolean;
  readonly responseCode: number | null;

  constructor(message: string, options: { permanent: boolean; responseCode?: number | null; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'MailDeliveryError';
    this.permanent = options.permanent;
    this.responseCode = options.responseCode ?? null;
  }
}
