// The cached discovery document and JWKS are byte for byte the provider's own answer, and a
// request with a forged Host is never told other URLs, from the cache or from the provider.
import { request } from 'node:http';
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';

let gl: RunningGuestlist;

beforeEach(async () => {
  gl = await startGuestlist();
});
afterEach(() => gl.stop());

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sameHeaders = (answer: RawAnswer) => ({
  'content-type': answer.headers['content-type'],
  'content-length': answer.headers['content-length'],
  vary: answer.headers.vary,
  'access-control-allow-origin': answer.headers['access-control-allow-origin'],
});

test.each(['/.well-known/openid-configuration', '/jwks'])('%s: the cached copy is identical to the provider answer', async (path) => {
  const fromProvider = await get(`${gl.url}${path}`);
  const fromCache = await get(`${gl.url}${path}`);
  expect(fromProvider.status).toBe(200);
  expect(fromCache.status).toBe(200);
  expect(fromCache.body).toBe(fromProvider.body);
  expect(sameHeaders(fromCache)).toEqual(sameHeaders(fromProvider));
  expect(fromCache.headers['access-control-allow-origin']).toBe('*');
  // Security headers still apply to the copy.
  expect(fromCache.headers['x-content-type-options']).toBe('nosniff');

  const withOrigin = await get(`${gl.url}${path}`, { Origin: 'https://app.example' });
  expect(withOrigin.headers['access-control-allow-origin']).toBe('https://app.example');
  expect(withOrigin.body).toBe(fromProvider.body);
});

test('a forged Host or X-Forwarded-Host never reaches the document, cached or not', async () => {
  const forged = await get(`${gl.url}/.well-known/openid-configuration`, { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' });
  // Even the provider's own (first) answer is built from the issuer.
  expect(JSON.parse(forged.body).authorization_endpoint).toBe(`${gl.url}/auth`);
  const genuine = await get(`${gl.url}/.well-known/openid-configuration`);
  expect(genuine.body).toBe(forged.body);
  const forgedAgain = await get(`${gl.url}/.well-known/openid-configuration`, { Host: 'evil.example' });
  expect(forgedAgain.body).toBe(genuine.body);
});

test('redirects built by the provider use the issuer too, whatever Host says', async () => {
  const response = await fetch(`${gl.url}/auth?client_id=demo-app&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://localhost:5173/callback')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, {
    headers: { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example' },
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toMatch(/^\/interaction\/|^http:\/\/127\.0\.0\.1:\d+\/interaction\//);
  expect(response.headers.get('location')).not.toContain('evil.example');
});

test('a POST and other paths still reach the provider', async () => {
  await get(`${gl.url}/jwks`);
  const post = await fetch(`${gl.url}/jwks`, { method: 'POST' });
  expect(post.status).not.toBe(200);
  const head = await fetch(`${gl.url}/jwks`, { method: 'HEAD' });
  expect(head.status).toBe(200);
});

test.each(['/.well-known/openid-configuration', '/jwks'])('%s: the cached copy still carries the request id, every security header and its log line', async (path) => {
  const fromProvider = await get(`${gl.url}${path}`);
  const fromCache = await get(`${gl.url}${path}`, { 'X-Request-Id': 'lb-trace-42' });
  for (const name of ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy']) {
    expect([name, fromCache.headers[name]]).toEqual([name, fromProvider.headers[name]]);
  }
  // A well-formed incoming id is kept; otherwise a fresh one is made per answer.
  expect(fromCache.headers['x-request-id']).toBe('lb-trace-42');
  const fresh = await get(`${gl.url}${path}`, { 'X-Request-Id': 'not a valid id!' });
  expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const lines = gl
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { msg: string; request_id?: string; url?: string; status?: number });
  expect(lines.find((line) => line.msg === 'request' && line.request_id === 'lb-trace-42')).toMatchObject({ url: path, status: 200 });
});
