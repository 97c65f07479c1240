// Authenticator-app codes (RFC 6238): SHA-1, 6 digits, 30-second steps, the step before and after
// accepted for clock drift. The otpauth library does the HOTP arithmetic; this module fixes the
// parameters and says which time step a code belongs to, for the replay guard.
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/** What every authenticator app understands; anything else is read wrongly by some of them. */
const PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Codes of one step either side of now are accepted (RFC 6238 §5.2: at most one step of drift). */
export const DRIFT_STEPS = 1;
export const STEP_MS = PARAMETERS.period * 1000;

/** A new shared secret: 160 random bits (RFC 4226's recommended length), as base32 for typing in. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an app scans: `issuer` and the account's email name the entry in the app. */
export function totpUri(secret: string, issuer: string, accountName: string): string {
  return new TOTP({ ...PARAMETERS, issuer, label: accountName, secret: Secret.fromBase32(secret) }).toString();
}

/** The URI as a QR code, an SVG data: URL (the pages' CSP allows data: images; no script draws it). */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** The time step `at` falls in. */
export const stepAt = (at: Date): number => Math.floor(at.getTime() / STEP_MS);

/**
 * The time step the code was made for, when it is right for now or one step either side; null
 * otherwise. The caller then claims that step (the replay guard), so no code counts twice.
 */
export function matchingStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = new TOTP({ ...PARAMETERS, secret: Secret.fromBase32(secret) }).validate({ token: code, timestamp: at.getTime(), window: DRIFT_STEPS });
  return delta === null ? null : stepAt(at) + delta;
}

/** The code for `at` (what an authenticator app shows then); used by tests and the benchmark. */
export function totpCodeAt(secret: string, at: Date): string {
  return new TOTP({ ...PARAMETERS, secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
}
