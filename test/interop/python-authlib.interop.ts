// Python's authlib (Debian 12's python3-authlib 1.2, on Debian's /usr/bin/python3) against
// Guestlist running as its own process: code + PKCE through the hosted pages, the ID token
// validated against the JWKS with RS256 and with ES256, userinfo, refresh, introspection, revocation.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childAdminToken, startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';
import { postJson } from '../support/start-guestlist.ts';

/** Debian's interpreter, where python3-authlib is installed (not whatever python3 is first on PATH). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/authlib_rp.py', import.meta.url));

const RS = { client_id: 'python-rs256', client_secret: 'python-rs256-secret-long-enough-0123456789', redirect_uri: 'http://python-rs256.test/callback', alg: 'RS256' };
const ES = { client_id: 'python-es256', client_secret: 'python-es256-secret-long-enough-0123456789', redirect_uri: 'http://python-es256.test/callback', alg: 'ES256' };

let gl: ChildGuestlist;

beforeAll(async () => {
  const entry = (client: typeof RS, extra: Record<string, unknown> = {}) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    client_name: `Python (${client.alg})`,
    redirect_uris: [client.redirect_uri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid email offline_access',
    first_party: true,
    ...extra,
  });
  const clientsFile = join(mkdtempSync(join(tmpdir(), 'guestlist-python-clients-')), 'clients.json');
  // RS256 is what a client gets by naming nothing; the ES256 client asks for it.
  writeFileSync(clientsFile, JSON.stringify([entry(RS), entry(ES, { id_token_signed_response_alg: 'ES256' })]));
  gl = await startChildGuestlist({ env: { CLIENTS_FILE: clientsFile } });
});

afterAll(() => gl?.stop());

/** Runs the Python relying party with one job; resolves with what it observed. */
function runPython(job: Record<string, unknown>): Promise<Record<string, any>> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is not installed: run .ci/install-interop.sh (interop tests never skip).`);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', NO_PROXY: '*' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the Python relying party failed (exit ${code}):\n${err}\n${out}`));
      resolve(JSON.parse(out) as Record<string, any>);
    });
    child.stdin.end(JSON.stringify({ issuer: gl.url, ...job }));
  });
}

test('sign-up with code + PKCE, an RS256 ID token validated against the JWKS, userinfo, refresh, introspection, revocation', async () => {
  const admin = await childAdminToken(gl.url);
  const invite = await postJson(`${gl.url}/admin/invites`, { email: 'guido@example.com', roles: ['reader'] }, admin);
  expect(invite.status).toBe(201);
  const observed = await runPython({
    client: RS,
    scope: 'openid email offline_access',
    // offline_access is only honoured with prompt=consent.
    params: { prompt: 'create consent', invite_token: invite.body.token },
    form: { path: '/register', fields: { email: 'guido@example.com', password: 'python member password', invite_token: invite.body.token } },
    refresh: true,
  });

  expect(observed.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
  expect(observed.authorization_url_has_pkce).toBe(true);
  expect(observed.id_token_alg).toBe('RS256');
  expect(observed.id_token_kid_in_jwks).toBe(true);
  expect(observed.claims).toMatchObject({ email: 'guido@example.com', email_verified: true, roles: ['reader'] });
  expect(typeof observed.claims.sid).toBe('string');
  expect(observed.userinfo).toMatchObject({ sub: observed.claims.sub, email: 'guido@example.com', roles: ['reader'] });
  expect(observed.introspected_access_token).toMatchObject({ active: true, client_id: RS.client_id, sub: observed.claims.sub });
  expect(observed.refreshed).toEqual({ new_access_token: true, id_token_alg: 'RS256' });
  expect(observed.revocation_status).toBe(200);
  expect(observed.introspected_revoked_refresh_token).toEqual({ active: false });
  expect(observed.refresh_after_revocation).toEqual({ status: 400, error: 'invalid_grant' });
});

test('a client registered for ES256 gets an ES256 ID token that authlib validates against the JWKS', async () => {
  const admin = await childAdminToken(gl.url);
  const invite = await postJson(`${gl.url}/admin/invites`, { email: 'ada@example.com' }, admin);
  const observed = await runPython({
    client: ES,
    scope: 'openid email',
    params: { prompt: 'create', invite_token: invite.body.token },
    form: { path: '/register', fields: { email: 'ada@example.com', password: 'python member password', invite_token: invite.body.token } },
  });
  expect(observed.id_token_alg).toBe('ES256');
  expect(observed.id_token_kid_in_jwks).toBe(true);
  expect(observed.claims).toMatchObject({ email: 'ada@example.com', email_verified: true });
  expect(observed.userinfo).toMatchObject({ email: 'ada@example.com' });
  expect(observed.introspected_access_token).toMatchObject({ active: true, client_id: ES.client_id });
});
