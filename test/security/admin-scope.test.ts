// The admin scope belongs to the admin client alone: a relying party with the client_credentials
// grant and no scope list cannot mint it, a token carrying it from any other client opens nothing,
// and discovery does not advertise admin or invites as if any app could ask for them.
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { writeClientsFile } from '../support/relying-party.ts';
import { call } from '../audit/http.ts';

const MACHINE = { client_id: 'machine-rp', client_secret: 'machine-rp-secret-long-enough-0123456789' };
let gl: RunningGuestlist;

beforeAll(async () => {
  gl = await startGuestlist({
    env: { CLIENTS_FILE: writeClientsFile([{ ...MACHINE, client_name: 'Machine', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }]) },
  });
});
afterAll(() => gl.stop());

async function clientCredentials(clientId: string, secret: string, scope?: string) {
  const response = await fetch(`${gl.url}/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

test('a relying party without a scope list cannot get the admin or invites scope from /token', async () => {
  for (const scope of ['admin', 'invites', 'openid admin']) {
    const answer = await clientCredentials(MACHINE.client_id, MACHINE.client_secret, scope);
    expect([scope, answer.status, answer.body.error]).toEqual([scope, 400, 'invalid_scope']);
  }
  const plain = await clientCredentials(MACHINE.client_id, MACHINE.client_secret);
  expect(plain.status).toBe(200);
  expect(plain.body.scope ?? '').not.toMatch(/admin|invites/);
});

test('the admin client still gets admin, and its token opens the admin API', async () => {
  const answer = await clientCredentials(gl.adminClientId, gl.adminClientSecret, 'admin');
  expect(answer.status).toBe(200);
  expect(answer.body.scope).toBe('admin');
  expect((await call('GET', `${gl.url}/admin/users`, { token: answer.body.access_token })).status).toBe(200);
});

test('a token with scope admin issued to another client is refused by the admin guard', async () => {
  // Mint what a misconfiguration could: an admin-scoped token for the machine client.
  const provider = gl.guestlist.provider;
  const client = await provider.Client.find(MACHINE.client_id);
  const token = new provider.ClientCredentials({ client: client!, scope: 'admin' });
  const value = await token.save();
  const answer = await call('GET', `${gl.url}/admin/users`, { token: value });
  expect(answer.status).toBe(403);
  expect(answer.body.error).toBe('insufficient_scope');
});

test('discovery advertises the ordinary scopes, not admin or invites', async () => {
  const discovery = (await (await fetch(`${gl.url}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
  expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'phone', 'offline_access']));
  expect(discovery.scopes_supported).not.toContain('admin');
  expect(discovery.scopes_supported).not.toContain('invites');
});
