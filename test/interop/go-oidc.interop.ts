// Go's go-oidc 2.1 with golang.org/x/oauth2 (Debian 12's packages, built offline in GOPATH mode)
// against Guestlist running as its own process, with go-oidc's default verifier (RS256 only). The
// test plays the browser on the hosted pages; the Go program does what the app does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { childAdminToken, startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';
import { postJson } from '../support/start-guestlist.ts';
import { FormClient } from '../support/browser-form.ts';
import { skipSecondFactorOffer } from '../support/relying-party.ts';

const GO = '/usr/bin/go';
/** Debian installs Go libraries as sources under /usr/share/gocode: GOPATH mode, no module download. */
const GOPATH = '/usr/share/gocode';
const SOURCE = fileURLToPath(new URL('./go/go_oidc_rp.go', import.meta.url));

const DEFAULT_ALG = { client_id: 'go-app', client_secret: 'go-app-secret-long-enough-0123456789', redirect_uri: 'http://go-app.test/callback' };
const ES256_APP = { client_id: 'go-es256-app', client_secret: 'go-es256-app-secret-long-enough-0123456789', redirect_uri: 'http://go-es256-app.test/callback' };

let gl: ChildGuestlist;
let work: string;
let binary: string;

beforeAll(async () => {
  if (!existsSync(GO) || !existsSync(join(GOPATH, 'src/github.com/coreos/go-oidc'))) {
    throw new Error('Go with go-oidc is not installed: run .ci/install-interop.sh (interop tests never skip).');
  }
  work = mkdtempSync(join(tmpdir(), 'guestlist-go-'));
  binary = join(work, 'go-oidc-rp');
  const build = spawnSync(GO, ['build', '-o', binary, SOURCE], {
    env: { PATH: '/usr/bin:/bin', HOME: work, GO111MODULE: 'off', GOPATH, GOCACHE: join(work, 'cache'), GOFLAGS: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`go build failed:\n${build.stderr}`);
  const entry = (app: typeof DEFAULT_ALG, extra: Record<string, unknown> = {}) => ({
    client_id: app.client_id,
    client_secret: app.client_secret,
    redirect_uris: [app.redirect_uri],
    scope: 'openid email',
    first_party: true,
    ...extra,
  });
  const clientsFile = join(work, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify([entry(DEFAULT_ALG), entry(ES256_APP, { id_token_signed_response_alg: 'ES256' })]));
  gl = await startChildGuestlist({ env: { CLIENTS_FILE: clientsFile } });
});

afterAll(async () => {
  await gl?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the Go app; `browse` plays the browser from its authorization URL to the callback URL. */
function runGo(app: typeof DEFAULT_ALG, params: Record<string, string>, browse: (url: string) => Promise<string>): Promise<{ ok: true; result: Record<string, any> } | { ok: false; error: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    let result: Record<string, any> | undefined;
    lines.on('line', (line) => {
      const message = JSON.parse(line) as Record<string, any>;
      if (typeof message.authorization_url === 'string') {
        browse(message.authorization_url).then((callback) => child.stdin.write(`${callback}\n`), reject);
      } else {
        result = message;
      }
    });
    child.on('close', (code) => resolve(code === 0 && result ? { ok: true, result } : { ok: false, error: err.trim() }));
    child.stdin.write(`${JSON.stringify({ issuer: gl.url, ...app, params })}\n`);
  });
}

async function signUpInBrowser(url: string, app: typeof DEFAULT_ALG, email: string, token: string): Promise<string> {
  const browser = new FormClient();
  const isCallback = (location: string) => location.startsWith(app.redirect_uri);
  const page = await browser.get(url, isCallback);
  const done = await skipSecondFactorOffer(browser, await browser.submit(page, '/register', { email, password: 'go member password', invite_token: token }, isCallback), isCallback);
  if (!isCallback(done.url)) throw new Error(`expected the app's callback, got ${done.status} ${done.url}`);
  return done.url;
}

async function invite(email: string, roles: string[] = []): Promise<string> {
  const created = await postJson(`${gl.url}/admin/invites`, { email, roles }, await childAdminToken(gl.url));
  expect(created.status).toBe(201);
  return created.body.token as string;
}

test("go-oidc's default verifier (RS256 only) accepts the ID token of a client that names no algorithm", async () => {
  const token = await invite('rob@example.com', ['gopher']);
  const outcome = await runGo(DEFAULT_ALG, { prompt: 'create', invite_token: token }, (url) => signUpInBrowser(url, DEFAULT_ALG, 'rob@example.com', token));
  if (!outcome.ok) throw new Error(`the Go app failed: ${outcome.error}`);
  expect(outcome.result.claims).toMatchObject({ iss: gl.url, aud: DEFAULT_ALG.client_id, email: 'rob@example.com', roles: ['gopher'] });
  expect(outcome.result.subject).toBe(outcome.result.claims.sub);
  expect(outcome.result.userinfo).toMatchObject({ sub: outcome.result.subject, email: 'rob@example.com', email_verified: true });
});

test('the same verifier refuses an ES256 ID token: why RS256 is the default', async () => {
  const token = await invite('ken@example.com');
  const outcome = await runGo(ES256_APP, { prompt: 'create', invite_token: token }, (url) => signUpInBrowser(url, ES256_APP, 'ken@example.com', token));
  expect(outcome).toEqual({ ok: false, error: expect.stringContaining('id token signed with unsupported algorithm, expected ["RS256"] got "ES256"') });
});
