// The WebAuthn ceremonies, through @simplewebauthn/server: options for the browser, and the
// verification of what it sends back. The relying party is the issuer: its host is the RP ID and
// its origin the only origin accepted.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyRecord } from '../store/ports.ts';

export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export function relyingPartyOf(issuer: string, productName: string): RelyingParty {
  const url = new URL(issuer);
  return { id: url.hostname, name: productName, origin: url.origin };
}

/** The user handle the authenticator keeps with a passkey: the account id, so a passwordless sign-in names its account. */
export const userHandleOf = (accountId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(accountId, 'utf8'));
export const accountIdOfUserHandle = (userHandle: string | undefined): string | null => (userHandle ? Buffer.from(userHandle, 'base64url').toString('utf8') : null);

/** A minute and a half for the person to answer their device's prompt. */
const TIMEOUT_MS = 90_000;

export function registrationOptions(
  rp: RelyingParty,
  user: { accountId: string; email: string },
  existing: PasskeyRecord[],
  /** Required for a passkey that will be the only way in (a passkey-only sign-up). */
  userVerification: 'required' | 'preferred',
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.email,
    userID: userHandleOf(user.accountId),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    // The same authenticator twice would be one factor counted as two.
    excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: passkey.transports })),
    // Discoverable: the passkey itself names the account, so sign-in needs no email first.
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification },
  });
}

export interface VerifiedRegistration {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  userVerified: boolean;
}

/** Null when the response does not verify (wrong challenge, origin or RP ID, a malformed answer). */
export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, challenge: string, requireUserVerification: boolean): Promise<VerifiedRegistration | null> {
  try {
    const result = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification });
    if (!result.verified) return null;
    const info = result.registrationInfo;
    return {
      id: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: (response.response.transports ?? []).map(String),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      userVerified: info.userVerified,
    };
  } catch {
    return null;
  }
}

export function authenticationOptions(rp: RelyingParty, allow: PasskeyRecord[], userVerification: 'required' | 'preferred'): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    timeout: TIMEOUT_MS,
    // Empty for a passwordless sign-in: the browser offers whichever passkey the person picks.
    allowCredentials: allow.map((passkey) => ({ id: passkey.id, transports: passkey.transports })),
    userVerification,
  });
}

/** Null when the assertion does not verify; otherwise the new counter and whether the person was verified. */
export async function verifyAuthentication(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  passkey: PasskeyRecord,
  requireUserVerification: boolean,
): Promise<{ counter: number; userVerified: boolean } | null> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.id, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports },
      requireUserVerification,
    });
    return result.verified ? { counter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified } : null;
  } catch {
    // A counter that went backwards (a cloned key), a bad signature, a malformed answer: not verified.
    return null;
  }
}

export type { AuthenticationResponseJSON, RegistrationResponseJSON };
