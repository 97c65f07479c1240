// Signing key rotation as the README describes it: the new key goes first in jwks_file and signs
// from the next start; the old key stays in the set, so tokens it signed still verify, until they
// have expired and it can go.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEcJwk, generateRsaJwk } from '../../src/secrets/signing-keys.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { startGuestlist } from '../support/start-guestlist.ts';
import { freePort } from '../support/child-guestlist.ts';
import { signUpThrough, type TestApp } from '../support/app-sign-up.ts';
import { fetchJwks, verifyJwt } from '../support/jwt-verify.ts';

const APP: TestApp = { client_id: 'rotating-app', client_secret: 'rotating-app-secret-long-enough-0123456789', redirect_uri: 'http://rotating.test/cb' };

test('tokens signed by the old key still verify, and are accepted as id_token_hint, while it stays in the set', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-rotation-'));
  const jwksFile = join(dir, 'jwks.json');
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(
    clientsFile,
    JSON.stringify([{ client_id: APP.client_id, client_secret: APP.client_secret, redirect_uris: [APP.redirect_uri], post_logout_redirect_uris: ['http://rotating.test/'], first_party: true }]),
  );
  const oldKey = generateRsaJwk();
  const newKey = generateRsaJwk();
  const ec = generateEcJwk();
  // One port throughout: the issuer, which every token names, stays the same across restarts.
  const port = await freePort();
  const start = async (keys: Record<string, unknown>[]) => {
    writeFileSync(jwksFile, JSON.stringify({ keys }));
    return startGuestlist({ port, dataDir: dir, store: createEmbeddedStore({ dataDir: dir }), env: { JWKS_FILE: jwksFile, CLIENTS_FILE: clientsFile } });
  };
  const hintAccepted = async (url: string, idToken: string) => {
    const query = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'http://rotating.test/' });
    return (await fetch(`${url}/session/end?${query}`)).status;
  };
  try {
    const before = await start([oldKey, ec]);
    const { tokens: old } = await signUpThrough(before, APP, 'before@example.com');
    expect(verifyJwt(old.id_token!, await fetchJwks(before.url)).header.kid).toBe(oldKey.kid);
    await before.stop();

    // Rotation: the new key first, the old one kept.
    const during = await start([newKey, oldKey, ec]);
    try {
      const jwks = await fetchJwks(during.url);
      expect(jwks.keys.map((key) => key.kid)).toEqual([newKey.kid, oldKey.kid, ec.kid]);
      expect(verifyJwt(old.id_token!, jwks).payload.email).toBe('before@example.com');
      expect(await hintAccepted(during.url, old.id_token!)).toBe(200);
      const { tokens: fresh } = await signUpThrough(during, APP, 'during@example.com');
      expect(verifyJwt(fresh.id_token!, jwks).header.kid).toBe(newKey.kid);
    } finally {
      await during.stop();
    }

    // Dropped too early, the old key takes its tokens with it: that is why it stays until they expire.
    const after = await start([newKey, ec]);
    try {
      const jwks = await fetchJwks(after.url);
      expect(() => verifyJwt(old.id_token!, jwks)).toThrow(`no key ${oldKey.kid} in the JWKS`);
      expect(await hintAccepted(after.url, old.id_token!)).toBe(400);
    } finally {
      await after.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
