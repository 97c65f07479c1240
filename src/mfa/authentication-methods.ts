// How a sign-in was made, in the ID token's words: `amr` (RFC 8176 method values) and `acr`
// (Guestlist's two levels), from the factors that were used.

/** At least two factors, or a passkey with user verification (which is both). */
export const ACR_MFA = 'urn:guestlist:mfa';
/** One factor: a password alone. */
export const ACR_SFA = 'urn:guestlist:sfa';
/** What discovery advertises (acr_values_supported), strongest first. */
export const ACR_VALUES = [ACR_MFA, ACR_SFA] as const;

/**
 * RFC 8176: `pwd` a password; `otp` a one-time code (an authenticator app's, or a backup code);
 * `hwk` a key bound to one device (a security key); `swk` a key kept in software and synced (most
 * passkeys); `fed` a sign-in at an upstream provider (one factor: its own MFA is not seen here).
 * `mfa` is added by authenticationOf, never passed in.
 */
export type Method = 'pwd' | 'fed' | 'otp' | 'hwk' | 'swk';
const METHODS: readonly string[] = ['pwd', 'fed', 'otp', 'hwk', 'swk'] satisfies Method[];

export interface Authentication {
  amr: string[];
  acr: string;
}

/** A passkey's method: device-bound ones are hardware keys, synced ones software keys. */
export const passkeyMethod = (deviceType: 'singleDevice' | 'multiDevice'): Method => (deviceType === 'singleDevice' ? 'hwk' : 'swk');

/**
 * The amr and acr of a sign-in made with `methods`. Two different factors make it multi-factor;
 * so does a passkey the authenticator unlocked with a PIN or biometric (user verification), which
 * is something you have and something you know or are, at once.
 */
export function authenticationOf(methods: readonly string[], options: { userVerifiedPasskey?: boolean } = {}): Authentication {
  const known = [...new Set(methods.filter((method): method is Method => METHODS.includes(method)))];
  const multiFactor = known.length >= 2 || options.userVerifiedPasskey === true;
  return { amr: multiFactor ? [...known, 'mfa'] : known, acr: multiFactor ? ACR_MFA : ACR_SFA };
}

/** True when a session's sign-in already satisfies a demand for multi-factor authentication. */
export const isMultiFactor = (acr: unknown): boolean => acr === ACR_MFA;

/** True when an authorization request's `acr_values` asks for multi-factor authentication. */
export function asksForMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(ACR_MFA);
}
