// Back-channel logout from Guestlist running as its own process, to a receiver on this machine:
// the addresses operators register for their apps (loopback, the internal network) are reached.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childAdminToken, startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';
import { authorize, type TestApp } from '../support/app-sign-up.ts';
import { startLogoutReceiver, type LogoutReceiverServer } from '../support/logout-receiver.ts';
import { postJson } from '../support/start-guestlist.ts';

const APP: TestApp = { client_id: 'intranet-app', client_secret: 'intranet-app-secret-long-enough-0123456789', redirect_uri: 'http://intranet.test/cb' };

let gl: ChildGuestlist;
let receiver: LogoutReceiverServer;

beforeAll(async () => {
  receiver = await startLogoutReceiver({ clientId: APP.client_id });
  const file = join(mkdtempSync(join(tmpdir(), 'guestlist-slo-process-')), 'clients.json');
  writeFileSync(file, JSON.stringify([{ client_id: APP.client_id, client_secret: APP.client_secret, redirect_uris: [APP.redirect_uri], backchannel_logout_uri: receiver.url, first_party: true }]));
  gl = await startChildGuestlist({ env: { CLIENTS_FILE: file } });
  receiver.issuer = gl.url;
});
afterAll(async () => {
  await gl.stop();
  await receiver.close();
});

test('disabling an account reaches a receiver on a loopback address', async () => {
  const admin = await childAdminToken(gl.url);
  const invite = await postJson(`${gl.url}/admin/invites`, { email: 'local@example.com' }, admin);
  const { tokens } = await authorize(gl, APP, {
    params: { prompt: 'create', invite_token: invite.body.token },
    form: { path: '/register', fields: { email: 'local@example.com', password: 'a long enough password', invite_token: invite.body.token } },
  });
  const { sub, sid } = tokens.claims()!;
  expect((await postJson(`${gl.url}/admin/users/${sub}/disable`, {}, admin)).status).toBe(200);
  expect(receiver.refused).toEqual([]);
  expect(receiver.received).toEqual([expect.objectContaining({ sub, sid })]);
});
