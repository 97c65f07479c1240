// Limits of the real process: an oversized body is a 413, slow clients are cut off by the
// header and request timeouts, and an over-long password or email is a 400 before any hashing.
import { connect } from 'node:net';
import { startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';

let gl: ChildGuestlist;
beforeAll(async () => {
  gl = await startChildGuestlist();
});
afterAll(() => gl?.stop());

const post = async (body: string) => {
  const response = await fetch(`${gl.url}/api/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { error: string; details?: { path: string }[] } };
};

test('a JSON body over the limit is a 413 with the contract error', async () => {
  const answer = await post(JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(200_000) }));
  expect(answer.status).toBe(413);
  expect(answer.body.error).toBe('payload_too_large');
});

test('an over-long password or email is a 400 naming the field', async () => {
  const password = await post(JSON.stringify({ email: 'long@example.com', password: 'p'.repeat(20_000), invite_token: 'A'.repeat(43) }));
  expect(password.status).toBe(400);
  expect(password.body.error).toBe('invalid_request');
  expect(password.body.details?.map((d) => d.path)).toContain('password');
  const email = await post(JSON.stringify({ email: `${'e'.repeat(5_000)}@example.com`, password: 'a good long password', invite_token: 'A'.repeat(43) }));
  expect(email.status).toBe(400);
  expect(email.body.details?.map((d) => d.path)).toContain('email');
});

/** Opens a socket, sends `first`, then nothing: resolves with what the server did. */
function stall(first: string, limitMs: number): Promise<{ closedByServer: boolean; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(gl.port, '127.0.0.1', () => socket.write(first));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: false, answer });
    }, limitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByServer: true, answer });
    });
    socket.on('error', () => undefined);
  });
}

test('slow clients are cut off: headers never finished, body never finished', async () => {
  // headersTimeout is 15 s and requestTimeout 30 s; the bound here only stops a hung test.
  const [headers, body] = await Promise.all([
    stall('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 60_000),
    stall('POST /api/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":', 60_000),
  ]);
  expect(headers.closedByServer).toBe(true);
  expect(headers.answer).toMatch(/^(HTTP\/1\.1 408|$)/);
  expect(body.closedByServer).toBe(true);
  expect(body.answer).toMatch(/^(HTTP\/1\.1 408|$)/);
  // The server is still fine for everyone else.
  expect((await fetch(`${gl.url}/healthz`)).status).toBe(200);
});
