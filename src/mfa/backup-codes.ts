// Backup codes: ten single-use codes shown once, for when a passkey or phone is lost. Only their
// hashes are stored.
import { createHash, randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;
/** Lower-case letters and digits without the look-alikes 0/o, 1/l/i: 31 symbols. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const LENGTH = 12;

/**
 * Ten new codes, each 12 symbols from crypto.randomInt (about 59 random bits), shown in groups of
 * four: `abcd-efgh-jkmn`. With that many bits a plain SHA-256 is safe to store: a stolen database
 * gives no practical way back to a code, and no slow hash is needed to try ten of them per sign-in.
 */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const symbols = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return symbols.match(/.{4}/g)!.join('-');
  });
}

/** What was typed, as stored: case, spaces and dashes do not matter. */
export const normalizeBackupCode = (typed: string): string => typed.toLowerCase().replace(/[\s-]/g, '');

/** True when `typed` has a backup code's shape (so it is worth a lookup). */
export const looksLikeBackupCode = (typed: string): boolean => new RegExp(`^[${ALPHABET}]{${LENGTH}}$`).test(normalizeBackupCode(typed));

/** SHA-256 of the account and the code: salted by the account, so one guess never serves two accounts. */
export function hashBackupCode(accountId: string, typed: string): string {
  return createHash('sha256').update(`${accountId}:${normalizeBackupCode(typed)}`).digest('base64url');
}
