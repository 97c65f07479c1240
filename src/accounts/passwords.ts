// Password hashing with argon2id; the hashing runs on libuv's thread pool, off the event loop.
import { hash, verify, type Options } from '@node-rs/argon2';

/** OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
// Algorithm 2 is Argon2id (the package exports it as an ambient const enum, unusable here).
export const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 8;
/** An upper bound keeps a megabyte "password" from becoming a CPU burn (NIST allows it). */
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same time as a real verification, so "no such account" and "wrong password"
 * cannot be told apart by timing.
 */
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword('guestlist-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
