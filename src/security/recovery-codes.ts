// Recovery secrets: 8-digit codes kept only as keyed hashes, keyed address digests, and 256-bit
// reset tokens kept only as SHA-256. Compared in constant time; keys derived from the cookie keys.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Eight digits: 10^8 codes, and five tries each, before a code dies. */
export function generateRecoveryCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** One key per cookie key, newest first: hashed with the first, checked against all (keys rotate across nodes). */
export type RecoveryKeys = readonly Buffer[];

export function deriveRecoveryKeys(serverSecrets: readonly string[]): RecoveryKeys {
  if (!serverSecrets.length) throw new Error('recovery codes need at least one key');
  return serverSecrets.map((secret) => createHmac('sha256', secret).update('guestlist/recovery-code/v1').digest());
}

/**
 * HMAC under a server key: 10^8 codes fall to an offline search in seconds, so a leaked database
 * alone must not reveal a live code. The record id is mixed in so a hash is good for its record only.
 */
export function hashRecoveryCode(keys: RecoveryKeys, recordId: string, code: string): string {
  return createHmac('sha256', keys[0]!).update(`${recordId}\0${code}`).digest('hex');
}

export function recoveryCodeMatches(keys: RecoveryKeys, recordId: string, code: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  let matched = false;
  // Every key, each in constant time: the answer does not tell which key matched.
  for (const key of keys) {
    const actual = createHmac('sha256', key).update(`${recordId}\0${code}`).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) matched = true;
  }
  return matched;
}

/**
 * What a record and the per-email limits know of an address: a keyed digest, so neither the
 * store nor the counters hold the address, and a leaked table cannot be matched against a list.
 */
export function emailKeyOf(keys: RecoveryKeys, normalizedEmail: string): string {
  return createHmac('sha256', keys[0]!).update(`email\0${normalizedEmail}`).digest('base64url');
}

/** 256 random bits, URL-safe (43 characters): what /api/recovery/verify and an admin's link hand out. */
export function generateResetToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 suffices: the token carries 256 bits, and lookups stay one indexed equality. */
export function hashResetToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const looksLikeResetToken = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);
export const looksLikeRecoveryCode = (value: string): boolean => /^\d{8}$/.test(value);
