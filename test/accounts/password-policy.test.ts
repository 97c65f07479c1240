// The password policy: length in characters, the breached-password blocklist with the usual
// disguises, the email and product name, repeated and sequential patterns; no composition rules.
import { assertStrongPassword, createPasswordPolicy } from '../../src/accounts/password-policy.ts';
import { AppError } from '../../src/errors.ts';

const policy = createPasswordPolicy({ minLength: 8, productName: 'Guestlist' });
const weakness = (password: string, email = 'maya.lopez@example.com') => policy.weakness(password, { email });

test('long phrases pass without any composition rule: no digit, symbol or capital needed', () => {
  for (const password of ['correct horse battery staple', 'maya knows her password', 'a fine password', 'lowercase only words']) {
    expect([password, weakness(password)]).toEqual([password, null]);
  }
});

test('length is counted in characters, from the configured minimum up to 256', () => {
  expect(weakness('short')).toBe('too_short');
  expect(weakness('😀😀😀😀😀😀😀')).toBe('too_short');
  expect(weakness('k'.repeat(3) + 'x7Qp!2'.repeat(43))).toBe('too_long');
  expect(createPasswordPolicy({ minLength: 12, productName: 'Guestlist' }).weakness('elevenchars', {})).toBe('too_short');
  expect(createPasswordPolicy({ minLength: 12, productName: 'Guestlist' }).weakness('twelve chars', {})).toBeNull();
});

test('common breached passwords are refused, in their usual disguises too', () => {
  for (const password of ['password', '1q2w3e4r5t', 'qwertyuiop', 'iloveyou', 'P@ssw0rd', 'PASSWORD', 'pass word', 'monkey123!', 'Trustno1', 'sunshine2024']) {
    expect([password, weakness(password)]).toEqual([password, 'common']);
  }
});

test('the email address, the bare name of the address and the product name are refused', () => {
  expect(weakness('maya.lopez@example.com!')).toBe('contains_email');
  expect(weakness('MAYA.LOPEZ@EXAMPLE.COM')).toBe('contains_email');
  expect(weakness('maya.lopez')).toBe('contains_email');
  expect(weakness('my guestlist password')).toBe('contains_product_name');
  expect(weakness('Gu3stl1st rocks')).toBe('contains_product_name');
  // A name inside a longer phrase is not the address.
  expect(weakness('maya.lopez knows it')).toBeNull();
});

test('repeated and sequential patterns are refused', () => {
  for (const password of ['aaaaaaaaaaaa', 'abababababab', 'abcdefghijk', '987654321098'.slice(0, 9), 'zyxwvutsrq']) {
    expect([password, weakness(password)]).toEqual([password, 'repetitive']);
  }
});

test('a refusal names its reason in details, as weak_password or (sign-up) invalid_request', () => {
  const refuse = (code?: 'weak_password' | 'invalid_request') => {
    try {
      assertStrongPassword(policy, 'Guestlist', 'password1', { email: 'a@example.com' }, code);
    } catch (error) {
      return error as AppError;
    }
    throw new Error('not refused');
  };
  expect(refuse()).toMatchObject({ code: 'weak_password', status: 400, details: [{ path: 'password', reason: 'common' }] });
  expect(refuse('invalid_request')).toMatchObject({ code: 'invalid_request', status: 400, details: [{ path: 'password', reason: 'common' }] });
  expect(() => assertStrongPassword(policy, 'Guestlist', 'a good long phrase', {})).not.toThrow();
});
