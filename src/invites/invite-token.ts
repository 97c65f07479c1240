// Invitation tokens: 256 random bits, URL-safe; only their SHA-256 is ever stored.
import { createHash, randomBytes } from 'node:crypto';

/** 32 bytes from the CSPRNG, base64url: 43 characters, safe in a path segment. */
export function generateInviteToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256, not a slow hash: the token already carries 256 bits of entropy, so a fast hash is
 * enough to make a stolen database useless, and lookups stay a single indexed equality.
 * Looking up by hash also means no comparison ever runs over the secret itself.
 */
export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check before touching the store: anything else is certainly unknown. */
export function looksLikeInviteToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
