// ID token algorithms: RS256 by default and in discovery, ES256 and EdDSA for clients that ask,
// each verifiable against the published JWKS; older development secrets gain the missing keys.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { resolveSecrets } from '../../src/secrets/secrets.ts';
import { generateEcJwk, generateRsaJwk } from '../../src/secrets/signing-keys.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { getJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { signUpThrough, type TestApp } from '../support/app-sign-up.ts';
import { fetchJwks, verifyJwt } from '../support/jwt-verify.ts';

const app = (client_id: string): TestApp => ({ client_id, client_secret: `${client_id}-secret-long-enough-0123456789`, redirect_uri: `http://${client_id}.test/cb` });
const DEFAULT = app('default-alg');
const ES = app('es-alg');
const ED = app('ed-alg');

function clientsFile(entries: Record<string, unknown>[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'guestlist-algs-')), 'clients.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

const entry = (a: TestApp, extra: Record<string, unknown> = {}) => ({
  client_id: a.client_id,
  client_secret: a.client_secret,
  redirect_uris: [a.redirect_uri],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  first_party: true,
  ...extra,
});

describe('with generated development keys', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({
      env: { CLIENTS_FILE: clientsFile([entry(DEFAULT), entry(ES, { id_token_signed_response_alg: 'ES256' }), entry(ED, { id_token_signed_response_alg: 'EdDSA' })]) },
    });
  });
  afterAll(() => gl.stop());

  test('discovery lists RS256 first among the ID token algorithms, and the JWKS has a key for each', async () => {
    const discovery = await getJson(`${gl.url}/.well-known/openid-configuration`);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
    const jwks = await fetchJwks(gl.url);
    expect(jwks.keys.map((key) => [key.kty, key.alg])).toEqual([
      ['RSA', 'RS256'],
      ['EC', 'ES256'],
      ['OKP', 'EdDSA'],
    ]);
    // Public halves only.
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  test.each([
    { name: 'a client that names no algorithm', client: DEFAULT, alg: 'RS256' },
    { name: 'a client that asks for ES256', client: ES, alg: 'ES256' },
    { name: 'a client that asks for EdDSA', client: ED, alg: 'EdDSA' },
  ])('$name gets ID tokens signed $alg that verify against the JWKS', async ({ client, alg }) => {
    const { tokens } = await signUpThrough(gl, client, `${client.client_id}@example.com`);
    const { header, payload } = verifyJwt(tokens.id_token!, await fetchJwks(gl.url));
    expect(header.alg).toBe(alg);
    expect(payload).toMatchObject({ iss: gl.url, aud: client.client_id, email: `${client.client_id}@example.com` });
  });
});

test('an older dev-secrets.json (one P-256 key) gains an RSA and an Ed25519 key and keeps everything else', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-old-secrets-'));
  try {
    const oldKey = generateEcJwk();
    const old = { jwk: oldKey, cookieKeys: ['c'.repeat(43)], adminClientId: 'guestlist-admin', adminClientSecret: 's'.repeat(43) };
    writeFileSync(join(dataDir, 'dev-secrets.json'), JSON.stringify(old), { mode: 0o600 });

    const gl = await startGuestlist({ dataDir, store: createEmbeddedStore({ dataDir }) });
    try {
      expect(gl.adminClientSecret).toBe(old.adminClientSecret);
      const jwks = await fetchJwks(gl.url);
      expect(jwks.keys.map((key) => key.kty)).toEqual(['RSA', 'EC', 'OKP']);
      // The old key is still published, so tokens it signed before the upgrade still verify.
      expect(jwks.keys[1]!.kid).toBe(oldKey.kid);
      const { tokens } = await signUpThrough(gl, { client_id: 'demo-app', redirect_uri: 'http://localhost:5173/callback' }, 'upgraded@example.com');
      expect(verifyJwt(tokens.id_token!, jwks).header.alg).toBe('RS256');
    } finally {
      await gl.stop();
    }
    const upgraded = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8'));
    expect(upgraded).toMatchObject({ ...old, rsaJwk: { kty: 'RSA', alg: 'RS256' }, edJwk: { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' } });
    // Written once: the next start reads the same keys.
    const again = resolveSecrets(loadConfig({ env: { DATA_DIR: dataDir } }));
    expect(again.jwks.keys.map((key) => key.kid)).toEqual([upgraded.rsaJwk.kid, oldKey.kid, upgraded.edJwk.kid]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('a jwks_file without an RSA key', () => {
  const ecOnly = JSON.stringify({ keys: [generateEcJwk()] });

  test('is refused with the reason, whatever else it holds', () => {
    const config = loadConfig({ env: { JWKS_FILE: '/run/secrets/jwks.json', DATA_DIR: mkdtempSync(join(tmpdir(), 'guestlist-jwks-')) } });
    expect(() => resolveSecrets(config, () => ecOnly)).toThrow(/jwks_file \(JWKS_FILE\) \/run\/secrets\/jwks.json has no private RSA key for RS256/);
    // A public RSA key cannot sign; an RSA key pinned to another algorithm does not count either.
    const { d: _d, ...publicRsa } = generateRsaJwk();
    expect(() => resolveSecrets(config, () => JSON.stringify({ keys: [publicRsa] }))).toThrow(/no private RSA key/);
    expect(() => resolveSecrets(config, () => JSON.stringify({ keys: [{ ...generateRsaJwk(), alg: 'PS256' }] }))).toThrow(/no private RSA key/);
    expect(() => resolveSecrets(config, () => 'not json')).toThrow(/jwks_file \(JWKS_FILE\) \/run\/secrets\/jwks.json is not JSON/);
    expect(() => resolveSecrets(config, () => '[]')).toThrow(/must be a JSON Web Key Set/);
    expect(resolveSecrets(config, () => JSON.stringify({ keys: [generateRsaJwk(), generateEcJwk()] })).jwks.keys).toHaveLength(2);
  });

  test('stops a production start with exit code 78 and the message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guestlist-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), ecOnly);
    const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        ISSUER: 'https://id.example.com',
        DATA_DIR: dir,
        JWKS_FILE: join(dir, 'jwks.json'),
        COOKIE_KEYS: 'k'.repeat(40),
        ADMIN_CLIENT_ID: 'ops',
        ADMIN_CLIENT_SECRET: 's'.repeat(40),
        SMTP_URL: 'smtp://mail.example.com:25',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).toContain('has no private RSA key for RS256');
    expect(result.status).toBe(78);
  });
});
