// amr and acr from the factors a sign-in used, and what counts as asking for MFA.
import { ACR_MFA, ACR_SFA, asksForMfa, authenticationOf, isMultiFactor, passkeyMethod } from '../../src/mfa/authentication-methods.ts';

test('a password alone is one factor; a password and a code are two', () => {
  expect(authenticationOf(['pwd'])).toEqual({ amr: ['pwd'], acr: ACR_SFA });
  expect(authenticationOf(['pwd', 'otp'])).toEqual({ amr: ['pwd', 'otp', 'mfa'], acr: ACR_MFA });
  // An upstream sign-in is one factor; a second factor after it makes two.
  expect(authenticationOf(['fed'])).toEqual({ amr: ['fed'], acr: ACR_SFA });
  expect(authenticationOf(['fed', 'otp'])).toEqual({ amr: ['fed', 'otp', 'mfa'], acr: ACR_MFA });
  expect(authenticationOf(['pwd', 'hwk'])).toEqual({ amr: ['pwd', 'hwk', 'mfa'], acr: ACR_MFA });
});

test('a passkey that verified its user is both factors; one that did not is one', () => {
  expect(authenticationOf(['swk'], { userVerifiedPasskey: true })).toEqual({ amr: ['swk', 'mfa'], acr: ACR_MFA });
  expect(authenticationOf(['swk'])).toEqual({ amr: ['swk'], acr: ACR_SFA });
});

test('the same method twice is still one factor, and unknown methods are dropped', () => {
  expect(authenticationOf(['pwd', 'pwd', 'mfa', 'sms'])).toEqual({ amr: ['pwd'], acr: ACR_SFA });
});

test('device-bound passkeys are hardware keys, synced ones software keys', () => {
  expect(passkeyMethod('singleDevice')).toBe('hwk');
  expect(passkeyMethod('multiDevice')).toBe('swk');
});

test('acr_values asks for MFA when it lists urn:guestlist:mfa among others', () => {
  expect(asksForMfa('urn:guestlist:mfa')).toBe(true);
  expect(asksForMfa('urn:other urn:guestlist:mfa')).toBe(true);
  expect(asksForMfa('urn:guestlist:sfa')).toBe(false);
  expect(asksForMfa(undefined)).toBe(false);
  expect(isMultiFactor(ACR_MFA)).toBe(true);
  expect(isMultiFactor(undefined)).toBe(false);
});
