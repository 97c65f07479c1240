// Graceful stop of the real process: on SIGTERM /readyz turns 503 first, a request already in
// flight is still answered, and the process exits 0.
import { connect } from 'node:net';
import { startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';

let gl: ChildGuestlist;
afterAll(async () => {
  gl?.child.kill('SIGKILL');
});

test('SIGTERM: readyz 503 first, in-flight request drained, exit 0', async () => {
  gl = await startChildGuestlist();
  expect((await fetch(`${gl.url}/readyz`)).status).toBe(200);

  // A request in flight: headers and half of the body sent before the signal.
  const body = JSON.stringify({ email: 'drain@example.com', password: 'a good long password', invite_token: 'A'.repeat(43) });
  const socket = connect(gl.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`POST /api/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`);
  await new Promise((resolve) => setTimeout(resolve, 100));

  gl.child.kill('SIGTERM');
  // Poll on fresh connections until readiness flips (bounded): the listener is still open.
  let ready = 200;
  for (let i = 0; i < 40 && ready === 200; i++) {
    ready = (await fetch(`${gl.url}/readyz`, { headers: { Connection: 'close' } })).status;
    if (ready === 200) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(ready).toBe(503);

  socket.write(body.slice(20));
  await closed;
  expect(answer).toMatch(/^HTTP\/1\.1 403 /);
  expect(answer).toContain('"error":"invalid_invite"');
  expect(await gl.exited).toEqual({ code: 0, signal: null });
});
