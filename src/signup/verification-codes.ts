// Verification codes: drawn from the CSPRNG, stored only as keyed hashes, compared in constant time.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export type Channel = 'email' | 'phone';

/** Six digits: short enough to type from a phone; the per-verification attempt limit is what protects it. */
export function generateCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The HMAC key for codes, derived from a server secret so it is never the secret itself. */
export function deriveCodeKey(serverSecret: string): Buffer {
  return createHmac('sha256', serverSecret).update('guestlist/verification-code/v1').digest();
}

/**
 * HMAC-SHA256 under a server key rather than a salted hash: a million codes are brute-forced
 * offline in a blink, so a leaked database alone must not be enough to read a pending code.
 * The verification id and channel are mixed in so a hash cannot be replayed on another record or field.
 */
export function hashCode(key: Buffer, verificationId: string, channel: Channel, code: string): string {
  return createHmac('sha256', key).update(`${verificationId}\0${channel}\0${code}`).digest('hex');
}

export function codeMatches(key: Buffer, verificationId: string, channel: Channel, code: string, storedHash: string): boolean {
  const actual = Buffer.from(hashCode(key, verificationId, channel, code), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
