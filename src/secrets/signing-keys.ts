// The ID token signing keys: generating the development set (RSA, P-256, Ed25519) and checking
// that a configured set can sign RS256, the algorithm every client gets unless it asks otherwise.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ConfigError } from '../config.ts';

export type Jwk = Record<string, unknown>;

/** RS256 is the registration default and mandatory to implement (OpenID Connect Core §15.1). */
export const DEFAULT_ID_TOKEN_ALG = 'RS256';

/** What a client may name as id_token_signed_response_alg, given keys for it. */
export const ID_TOKEN_SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA'];

const kid = () => randomBytes(8).toString('hex');

export function generateRsaJwk(): Jwk {
  // 2048 bits: the size every RP library accepts, and NIST's floor through 2030.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: kid(), alg: 'RS256', use: 'sig' };
}

export function generateEcJwk(): Jwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid: kid(), alg: 'ES256', use: 'sig' };
}

export function generateEd25519Jwk(): Jwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { ...privateKey.export({ format: 'jwk' }), kid: kid(), alg: 'EdDSA', use: 'sig' };
}

/** The signing keys kept in data_dir/dev-secrets.json. `jwk` (P-256) predates the others. */
export interface DevSigningKeys {
  jwk: Jwk;
  rsaJwk?: Jwk;
  edJwk?: Jwk;
}

/**
 * Adds the keys an older dev-secrets.json lacks (it held only the P-256 key), keeping that key,
 * so tokens it signed still verify. Returns whether anything was added.
 */
export function completeDevSigningKeys(file: DevSigningKeys): boolean {
  let added = false;
  if (!file.rsaJwk) {
    file.rsaJwk = generateRsaJwk();
    added = true;
  }
  if (!file.edJwk) {
    file.edJwk = generateEd25519Jwk();
    added = true;
  }
  return added;
}

/** RSA first: it is the default algorithm's key, and the first key some libraries try. */
export function devJwks(file: DevSigningKeys): { keys: Jwk[] } {
  return { keys: [file.rsaJwk, file.jwk, file.edJwk].filter((key): key is Jwk => Boolean(key)) };
}

/** A private RSA key that may sign RS256: no other alg pinned, no other use. */
function signsRs256(key: Jwk): boolean {
  return key.kty === 'RSA' && typeof key.d === 'string' && (key.alg === undefined || key.alg === 'RS256') && (key.use === undefined || key.use === 'sig');
}

/** Reads a jwks_file's text; refuses a set that cannot sign the default algorithm, saying why. */
export function parseJwksFile(path: string, text: string): { keys: Jwk[] } {
  const where = `jwks_file (JWKS_FILE) ${path}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${where} is not JSON (${(error as Error).message})`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.some((key) => !key || typeof key !== 'object')) {
    throw new ConfigError(`Invalid configuration: ${where} must be a JSON Web Key Set: {"keys": [...]}`);
  }
  if (!(keys as Jwk[]).some(signsRs256)) {
    throw new ConfigError(
      `Invalid configuration: ${where} has no private RSA key for RS256. ID tokens are signed RS256 unless a client asks ` +
        'for another algorithm (OpenID Connect requires RS256, and many libraries accept nothing else), so the set ' +
        'needs an RSA key ("kty": "RSA", "alg": "RS256"); keep EC or Ed25519 keys after it for clients that ask for ES256 or EdDSA.',
    );
  }
  return { keys: keys as Jwk[] };
}
