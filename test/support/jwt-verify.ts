// Verifies a JWS against a JSON Web Key Set with node:crypto alone, as a relying party would:
// the key is picked by `kid`, and the header's `alg` must be the key's.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export interface VerifiedJwt {
  header: { alg: string; kid?: string; typ?: string };
  payload: Record<string, unknown>;
}

const part = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Throws unless the signature verifies with the JWKS key its `kid` names. */
export function verifyJwt(token: string, jwks: { keys: Record<string, unknown>[] }): VerifiedJwt {
  const [head, body, signature] = token.split('.');
  if (!head || !body || !signature) throw new Error('not a compact JWS');
  const header = part(head) as unknown as VerifiedJwt['header'];
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in the JWKS`);
  if (jwk.alg !== undefined && jwk.alg !== header.alg) throw new Error(`key ${header.kid} is for ${String(jwk.alg)}, token says ${header.alg}`);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const data = Buffer.from(`${head}.${body}`);
  const sig = Buffer.from(signature, 'base64url');
  const ok =
    header.alg === 'RS256' ? verify('sha256', data, key, sig)
    : header.alg === 'ES256' ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)
    : header.alg === 'EdDSA' ? verify(null, data, key, sig)
    : false;
  if (!ok) throw new Error(`signature does not verify (${header.alg}, kid ${header.kid})`);
  return { header, payload: part(body) };
}

export async function fetchJwks(issuer: string): Promise<{ keys: Record<string, unknown>[] }> {
  const response = await fetch(`${issuer}/jwks`);
  if (response.status !== 200) throw new Error(`GET /jwks: ${response.status}`);
  return (await response.json()) as { keys: Record<string, unknown>[] };
}
