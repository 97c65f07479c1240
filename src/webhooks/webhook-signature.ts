// Webhook signatures: HMAC-SHA256 of the exact body bytes, sent as `sha256=<hex>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Guestlist-Signature';
export const EVENT_ID_HEADER = 'X-Guestlist-Event-Id';
export const EVENT_TYPE_HEADER = 'X-Guestlist-Event-Type';

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does (the README's recipe): recompute and compare in constant time. */
export function verifySignature(body: string | Buffer, header: string | null | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
