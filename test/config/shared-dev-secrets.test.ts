// Two nodes on one store without production secrets: each generates its own development secrets,
// and the first node's set wins for both through the store's settings (setIfAbsent).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { resolveSecrets, shareGeneratedSecrets } from '../../src/secrets/secrets.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { generateRsaJwk } from '../../src/secrets/signing-keys.ts';

const dirs: string[] = [];
const nodeConfig = (env: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-node-'));
  dirs.push(dir);
  return loadConfig({ env: { DATA_DIR: dir, ...env } });
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('nodes sharing a store agree on generated secrets: the first set wins, and each node keeps it', async () => {
  const shared = createEmbeddedStore();
  try {
    const [a, b] = [nodeConfig(), nodeConfig()];
    const localA = resolveSecrets(a);
    const localB = resolveSecrets(b);
    expect(localB.cookieKeys).not.toEqual(localA.cookieKeys);

    const [first, second] = await Promise.all([shareGeneratedSecrets(a, shared.settings, localA), shareGeneratedSecrets(b, shared.settings, localB)]);
    expect(second.cookieKeys).toEqual(first.cookieKeys);
    expect(second.adminClientSecret).toBe(first.adminClientSecret);
    expect(second.jwks).toEqual(first.jwks);
    // Exactly one node created the set in use.
    expect([first.generatedNow, second.generatedNow].filter(Boolean)).toHaveLength(1);
    // A restart of either node, from its own data_dir, keeps the shared set.
    expect(readFileSync(join(b.data_dir, 'dev-secrets.json'), 'utf8')).toBe(readFileSync(join(a.data_dir, 'dev-secrets.json'), 'utf8'));
    expect(resolveSecrets(b).cookieKeys).toEqual(first.cookieKeys);
  } finally {
    await shared.close();
  }
});

test('configured secrets are never replaced by shared ones', async () => {
  const shared = createEmbeddedStore();
  try {
    const generating = nodeConfig();
    await shareGeneratedSecrets(generating, shared.settings, resolveSecrets(generating));
    const configured = nodeConfig({ COOKIE_KEYS: 'c'.repeat(40), ADMIN_CLIENT_ID: 'ops', ADMIN_CLIENT_SECRET: 's'.repeat(40), JWKS_FILE: '/unused' });
    const local = resolveSecrets(configured, () => JSON.stringify({ keys: [{ ...generateRsaJwk(), kid: 'configured' }] }));
    const secrets = await shareGeneratedSecrets(configured, shared.settings, local);
    expect(secrets).toBe(local);
    expect(secrets.cookieKeys).toEqual(['c'.repeat(40)]);
  } finally {
    await shared.close();
  }
});
