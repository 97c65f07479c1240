// Recovery secrets without HTTP: 8-digit codes from the whole range, keyed hashes bound to their
// record and checked under every configured key, keyed address digests, 256-bit reset tokens.
import {
  deriveRecoveryKeys,
  emailKeyOf,
  generateRecoveryCode,
  generateResetToken,
  hashRecoveryCode,
  hashResetToken,
  looksLikeRecoveryCode,
  looksLikeResetToken,
  recoveryCodeMatches,
} from '../../src/security/recovery-codes.ts';

const OLD = 'an-old-cookie-key-that-is-long-enough-0123';
const NEW = 'a-new-cookie-key-that-is-long-enough-45678';

test('codes are 8 digits, zero-padded, and not all alike', () => {
  const codes = Array.from({ length: 200 }, generateRecoveryCode);
  expect(codes.every(looksLikeRecoveryCode)).toBe(true);
  expect(new Set(codes).size).toBeGreaterThan(190);
});

test('a code hash is keyed and bound to its record; it checks under every configured key', () => {
  const keys = deriveRecoveryKeys([OLD]);
  const stored = hashRecoveryCode(keys, 'rec-1', '01234567');
  expect(stored).not.toContain('01234567');
  expect(recoveryCodeMatches(keys, 'rec-1', '01234567', stored)).toBe(true);
  expect(recoveryCodeMatches(keys, 'rec-1', '01234568', stored)).toBe(false);
  expect(recoveryCodeMatches(keys, 'rec-2', '01234567', stored)).toBe(false);
  // Another server key: no match without it; a rotation that keeps it second still matches.
  expect(recoveryCodeMatches(deriveRecoveryKeys([NEW]), 'rec-1', '01234567', stored)).toBe(false);
  expect(recoveryCodeMatches(deriveRecoveryKeys([NEW, OLD]), 'rec-1', '01234567', stored)).toBe(true);
  expect(() => deriveRecoveryKeys([])).toThrow();
});

test('an address digest is keyed, stable and says nothing of the address', () => {
  const keys = deriveRecoveryKeys([OLD]);
  expect(emailKeyOf(keys, 'ada@example.com')).toBe(emailKeyOf(keys, 'ada@example.com'));
  expect(emailKeyOf(keys, 'ada@example.com')).not.toBe(emailKeyOf(keys, 'bob@example.com'));
  expect(emailKeyOf(deriveRecoveryKeys([NEW]), 'ada@example.com')).not.toBe(emailKeyOf(keys, 'ada@example.com'));
  expect(emailKeyOf(keys, 'ada@example.com')).not.toContain('ada');
});

test('reset tokens carry 256 bits and are stored as SHA-256', () => {
  const token = generateResetToken();
  expect(looksLikeResetToken(token)).toBe(true);
  expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  expect(hashResetToken(token)).toMatch(/^[0-9a-f]{64}$/);
  expect(hashResetToken(token)).not.toBe(hashResetToken(generateResetToken()));
  expect(looksLikeResetToken('short')).toBe(false);
});
