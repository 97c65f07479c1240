// Signing keys, cookie keys and the admin client's credentials: from the configuration, or in
// development generated once and kept in data_dir so restarts keep sessions and tokens valid.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { KeyValueStore } from '../store/ports.ts';
import { completeDevSigningKeys, devJwks, generateEcJwk, generateEd25519Jwk, generateRsaJwk, parseJwksFile, type DevSigningKeys } from './signing-keys.ts';

export interface Secrets {
  /** Private JWKs for oidc-provider: an RSA key (RS256) first, then P-256 (ES256) and Ed25519 (EdDSA). */
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
  adminClientId: string;
  adminClientSecret: string;
  /** True when this start created the development secrets (the first run). */
  generatedNow: boolean;
  /** Names of the options that fell back to generated values (warned about once). */
  generated: string[];
}

interface DevSecretsFile extends DevSigningKeys {
  cookieKeys: string[];
  adminClientId: string;
  adminClientSecret: string;
}

function loadOrCreateDevSecrets(dataDir: string): { file: DevSecretsFile; createdNow: boolean } {
  const path = join(dataDir, 'dev-secrets.json');
  if (existsSync(path)) {
    const file = JSON.parse(readFileSync(path, 'utf8')) as DevSecretsFile;
    // A file from before RS256 holds only the P-256 key: add the others, keep everything else.
    if (completeDevSigningKeys(file)) {
      writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    }
    return { file, createdNow: false };
  }
  const file: DevSecretsFile = {
    rsaJwk: generateRsaJwk(),
    jwk: generateEcJwk(),
    edJwk: generateEd25519Jwk(),
    cookieKeys: [randomBytes(32).toString('base64url')],
    adminClientId: 'guestlist-admin',
    adminClientSecret: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  // 0600: the file holds a private key and a client secret.
  writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600, flag: 'wx' });
  return { file, createdNow: true };
}

export function resolveSecrets(config: Config, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Secrets {
  const needsGenerated = !config.jwks_file || !config.cookie_keys?.length || !config.admin_client_id || !config.admin_client_secret;
  // config.ts has already refused production without every secret, so this is development only.
  const dev = needsGenerated ? loadOrCreateDevSecrets(config.data_dir) : undefined;
  const generated: string[] = [];
  const pick = <T>(given: T | undefined, fallback: () => T, name: string): T => {
    if (given !== undefined) return given;
    generated.push(name);
    return fallback();
  };
  const jwks = pick(
    config.jwks_file ? parseJwksFile(config.jwks_file, readFile(config.jwks_file)) : undefined,
    () => devJwks(dev!.file),
    'jwks_file',
  );
  return {
    jwks,
    cookieKeys: pick(config.cookie_keys?.length ? [...config.cookie_keys] : undefined, () => dev!.file.cookieKeys, 'cookie_keys'),
    adminClientId: pick(config.admin_client_id, () => dev!.file.adminClientId, 'admin_client_id'),
    adminClientSecret: pick(config.admin_client_secret, () => dev!.file.adminClientSecret, 'admin_client_secret'),
    generatedNow: dev?.createdNow ?? false,
    generated,
  };
}

/**
 * Nodes sharing one store without production secrets (a two-node staging, say) must agree on the
 * generated ones, or each signs and seals with its own. The first node's set wins through the
 * store's settings (setIfAbsent), whatever it holds; each node keeps the winner in its data_dir.
 */
export async function shareGeneratedSecrets(config: Config, settings: KeyValueStore, local: Secrets, readFile?: (path: string) => string): Promise<Secrets> {
  if (!local.generated.length) return local;
  const path = join(config.data_dir, 'dev-secrets.json');
  const mine = readFileSync(path, 'utf8');
  const winner = await settings.setIfAbsent('dev-secrets', mine);
  if (winner === mine) return local;
  writeFileSync(path, winner, { mode: 0o600 });
  // Another node's secrets: this one did not create the set that is in use.
  return { ...resolveSecrets(config, readFile), generatedNow: false };
}
