// The durable queues by name: the job runner's to own, so the senders and the operators' view of
// deliveries name them alike without importing one another.
export const MAIL_QUEUE = 'mail';
export const WEBHOOK_QUEUE = 'webhook';
/** security.alert events to alert_webhook_url: a queue of their own, polled only where that URL is set. */
export const ALERT_WEBHOOK_QUEUE = 'webhook.alert';
