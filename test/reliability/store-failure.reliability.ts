// Store failure: while the store is out of reach, requests answer 503 service_unavailable JSON
// and /readyz is 503; when it returns, service resumes without a restart and nothing that was
// acknowledged is lost.
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { adminToken, createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { failingStore, type FailingStore } from './failing-store.ts';

let gl: RunningGuestlist;
let broken: FailingStore;

beforeAll(async () => {
  broken = failingStore(createEmbeddedStore());
  gl = await startGuestlist({ store: broken.store, env: { LOG_LEVEL: 'warn' } });
});
afterAll(() => gl?.stop());

const expect503 = (answer: { status: number; body: unknown }) => {
  expect(answer.status).toBe(503);
  expect(answer.body).toEqual({ error: 'service_unavailable', message: expect.any(String) });
};

test.each(['all', 'writes'] as const)('store failing (%s): 503 JSON and /readyz 503; recovers without restart; nothing acknowledged lost', async (mode) => {
  const admin = await adminToken(gl);
  const before = await createInvite(gl, { email: `before-${mode}@example.com` }, admin);
  const acknowledged = await postJson(`${gl.url}/api/register`, { email: `before-${mode}@example.com`, password: 'a good long password', invite_token: before.token });
  expect(acknowledged.status).toBe(201);
  const during = await createInvite(gl, { email: `during-${mode}@example.com` }, admin);

  broken.fail(mode);
  const register = await postJson(`${gl.url}/api/register`, { email: `during-${mode}@example.com`, password: 'a good long password', invite_token: during.token });
  expect503(register);
  const create = await postJson(`${gl.url}/admin/invites`, { email: 'x@example.com' }, admin);
  expect(create.status).toBe(503);
  expect(create.body.error).toBe('service_unavailable');
  if (mode === 'all') {
    expect503(await getJson(`${gl.url}/api/invites/${during.token}`));
    expect503(await getJson(`${gl.url}/admin/invites`, admin));
  }
  const ready = await getJson(`${gl.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(ready.body.error).toBe('service_unavailable');

  broken.fail(null);
  expect((await getJson(`${gl.url}/readyz`)).status).toBe(200);
  // The refused registration left the invite unspent: it works now, without a restart.
  const retried = await postJson(`${gl.url}/api/register`, { email: `during-${mode}@example.com`, password: 'a good long password', invite_token: during.token });
  expect(retried.status).toBe(201);
  const account = await gl.store.accounts.findById(acknowledged.body.sub);
  expect(account?.email).toBe(`before-${mode}@example.com`);
  const invite = await getJson(`${gl.url}/admin/invites/${before.id}`, admin);
  expect(invite.body).toMatchObject({ status: 'redeemed', uses: 1 });
});
