// Authenticator-app codes (RFC 6238 parameters, one step of drift) and backup codes (shape, hashing).
import { Secret } from 'otpauth';
import { matchingStep, newTotpSecret, stepAt, totpCodeAt, totpUri } from '../../src/mfa/totp.ts';
import { hashBackupCode, looksLikeBackupCode, newBackupCodes } from '../../src/mfa/backup-codes.ts';

const at = new Date('2030-01-01T00:00:15Z');

test('a code of this step or one either side matches, naming its own step; two steps off does not', () => {
  const secret = newTotpSecret();
  expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
  const step = stepAt(at);
  expect(matchingStep(secret, totpCodeAt(secret, at), at)).toBe(step);
  expect(matchingStep(secret, totpCodeAt(secret, new Date(at.getTime() - 30_000)), at)).toBe(step - 1);
  expect(matchingStep(secret, totpCodeAt(secret, new Date(at.getTime() + 30_000)), at)).toBe(step + 1);
  expect(matchingStep(secret, totpCodeAt(secret, new Date(at.getTime() - 60_000)), at)).toBeNull();
  expect(matchingStep(secret, totpCodeAt(secret, new Date(at.getTime() + 60_000)), at)).toBeNull();
  expect(matchingStep(secret, 'abcdef', at)).toBeNull();
});

test('the codes are the RFC 6238 SHA-1 test vector at 6 digits', () => {
  // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s gives 94287082 (8 digits): 287082 at 6.
  const secret = Secret.fromLatin1('12345678901234567890').base32;
  expect(totpCodeAt(secret, new Date(59_000))).toBe('287082');
});

test('the otpauth URI names the product and the account, with the standard parameters', () => {
  const secret = newTotpSecret();
  const parsed = new URL(totpUri(secret, 'Guestlist', 'ada@example.com'));
  expect(parsed.protocol).toBe('otpauth:');
  expect(parsed.searchParams.get('secret')).toBe(secret);
  expect(parsed.searchParams.get('issuer')).toBe('Guestlist');
  expect(parsed.searchParams.get('digits')).toBe('6');
  expect(parsed.searchParams.get('period')).toBe('30');
  expect(decodeURIComponent(parsed.pathname)).toContain('ada@example.com');
});

test('ten distinct backup codes in groups of four; case, spaces and dashes do not matter to the hash', () => {
  const codes = newBackupCodes();
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  const code = codes[0]!;
  expect(looksLikeBackupCode(code.toUpperCase().replaceAll('-', ' '))).toBe(true);
  expect(hashBackupCode('acct', code)).toBe(hashBackupCode('acct', ` ${code.toUpperCase()} `));
  // Salted by the account: one code's hash says nothing about another account's.
  expect(hashBackupCode('acct', code)).not.toBe(hashBackupCode('other', code));
  expect(looksLikeBackupCode('123456')).toBe(false);
});
