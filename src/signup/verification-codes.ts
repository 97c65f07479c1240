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
 * One key per configured cookie key, newest first. Codes are keyed with the first and checked
 * against every one: while keys rotate across nodes, a code issued by a node still on the old
 * first key verifies on a node that already put a new key in front of it.
 */
export type CodeKeys = readonly Buffer[];

export function deriveCodeKeys(serverSecrets: readonly string[]): CodeKeys {
  if (!serverSecrets.length) throw new Error('verification codes need at least one key');
  return serverSecrets.map(deriveCodeKey);
}

const keyring = (keys: CodeKeys | Buffer): CodeKeys => (Buffer.isBuffer(keys) ? [keys] : keys);

/**
 * HMAC-SHA256 under a server key rather than a salted hash: a million codes are brute-forced
 * offline in a blink, so a leaked database alone must not be enough to read a pending code.
 * The verification id and channel are mixed in so a hash cannot be replayed on another record or field.
 */
export function hashCode(keys: CodeKeys | Buffer, verificationId: string, channel: Channel, code: string): string {
  return createHmac('sha256', keyring(keys)[0]!).update(`${verificationId}\0${channel}\0${code}`).digest('hex');
}

/** Tries every key (each in constant time), so the answer does not tell which key matched. */
export function codeMatches(keys: CodeKeys | Buffer, verificationId: string, channel: Channel, code: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  let matched = false;
  for (const key of keyring(keys)) {
    const actual = Buffer.from(hashCode(key, verificationId, channel, code), 'hex');
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) matched = true;
  }
  return matched;
}
