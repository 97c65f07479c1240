// Seals queued payloads (AES-256-GCM) so what waits in the store — an invitation email holds the
// link and so the token — is unreadable without the server's keys: tokens are never stored in clear.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface PayloadSealer {
  seal(value: unknown): string;
  /** Throws when no key opens it (tampered, or sealed with a key since retired). */
  open<T>(sealed: string): T;
}

/**
 * Keys are derived from the cookie keys (newest first); older ones still open older payloads.
 * `purpose` separates the keys of unrelated uses, so a value sealed for one is opened by no other.
 */
export function createPayloadSealer(secrets: readonly string[], purpose = 'queued-payload-v1'): PayloadSealer {
  if (!secrets.length) throw new Error('payload sealer needs at least one key');
  const keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'guestlist', purpose, 32)));
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0]!, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open<T>(sealed: string): T {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed payload');
      for (const key of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
          decipher.setAuthTag(Buffer.from(tag, 'base64url'));
          const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
          return JSON.parse(plain.toString('utf8')) as T;
        } catch {
          // try the next (older) key
        }
      }
      throw new Error('no key opens this payload');
    },
  };
}
