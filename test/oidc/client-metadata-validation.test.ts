// Bad clients_file entries stop the start, naming the client and the field, instead of failing
// at an end user's first sign-in.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config.ts';
import { startGuestlist } from '../support/start-guestlist.ts';

const GOOD = {
  client_id: 'good-app',
  client_secret: 'good-app-secret-long-enough-0123456789',
  redirect_uris: ['https://good.example.com/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: 'openid email offline_access',
};

function clientsFile(entries: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'guestlist-clients-')), 'clients.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

async function startWith(entries: unknown[]): Promise<unknown> {
  try {
    const gl = await startGuestlist({ env: { CLIENTS_FILE: clientsFile(entries) } });
    await gl.stop();
    return undefined;
  } catch (error) {
    return error;
  }
}

test('a valid file starts', async () => {
  expect(await startWith([GOOD, { ...GOOD, client_id: 'spa', client_secret: undefined, token_endpoint_auth_method: 'none' }])).toBeUndefined();
});

test.each([
  { problem: 'an http initiate_login_uri', entry: { ...GOOD, initiate_login_uri: 'http://good.example.com/login' }, expected: 'client "good-app", field initiate_login_uri: initiate_login_uri must be a https uri' },
  { problem: 'an unsupported ID token algorithm', entry: { ...GOOD, id_token_signed_response_alg: 'HS256' }, expected: 'client "good-app", field id_token_signed_response_alg: id_token_signed_response_alg must be' },
  { problem: 'an unknown grant', entry: { ...GOOD, grant_types: ['authorization_code', 'password'] }, expected: 'client "good-app", field grant_types: grant_types can only contain' },
  { problem: 'an unsupported response type', entry: { ...GOOD, response_types: ['code id_token'] }, expected: 'client "good-app", field response_types:' },
  { problem: 'a scope the provider does not have', entry: { ...GOOD, scope: 'openid profile' }, expected: 'client "good-app", field scope: scope must only contain Authorization Server supported scope values' },
  { problem: 'no redirect_uris', entry: { ...GOOD, redirect_uris: undefined }, expected: 'client "good-app", field redirect_uris: redirect_uris is mandatory property' },
  { problem: 'a redirect URI with a fragment', entry: { ...GOOD, redirect_uris: ['https://good.example.com/cb#x'] }, expected: 'client "good-app", field redirect_uris: redirect_uris must not contain fragments' },
  { problem: 'an unknown token endpoint auth method', entry: { ...GOOD, token_endpoint_auth_method: 'client_secret_magic' }, expected: 'client "good-app", field token_endpoint_auth_method:' },
  { problem: 'a backchannel_logout_uri that is no URL', entry: { ...GOOD, backchannel_logout_uri: 'not a url' }, expected: 'client "good-app", field backchannel_logout_uri: backchannel_logout_uri must be a web uri' },
  { problem: 'a misspelt field', entry: { ...GOOD, post_logout_redirect_uri: 'https://good.example.com/' }, expected: 'client "good-app", field post_logout_redirect_uri: post_logout_redirect_uri is not client metadata this provider knows' },
  { problem: 'front-channel logout (not offered)', entry: { ...GOOD, frontchannel_logout_uri: 'https://good.example.com/fc' }, expected: 'client "good-app", field frontchannel_logout_uri: frontchannel_logout_uri is not client metadata' },
])('$problem is refused at start, naming the client and the field', async ({ entry, expected }) => {
  const error = await startWith([entry]);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(`clients_file (CLIENTS_FILE): ${expected}`);
});

test.each([
  { problem: 'an entry without client_id', entries: [GOOD, { ...GOOD, client_id: undefined }], expected: 'entry 2: client_id is required' },
  { problem: 'a client_id used twice', entries: [GOOD, GOOD], expected: 'client "good-app": client_id is used by more than one client' },
  { problem: "the admin client's id", entries: [{ ...GOOD, client_id: 'guestlist-admin' }], expected: 'client "guestlist-admin": client_id is used by more than one client' },
  { problem: 'an entry that is no object', entries: [GOOD, 'good-app'], expected: 'entry 2 must be an object of client metadata' },
])('$problem is refused at start', async ({ entries, expected }) => {
  const error = await startWith(entries);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(`clients_file (CLIENTS_FILE): ${expected}`);
});

test('a file that is not JSON is a configuration error', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'guestlist-clients-')), 'clients.json');
  writeFileSync(path, '[{"client_id": ');
  const error = await startGuestlist({ env: { CLIENTS_FILE: path } }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(`clients_file (CLIENTS_FILE): cannot read ${path} as JSON`);
});

test('the process refuses to start with exit code 78 and the message', () => {
  const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guestlist-clients-')),
      PORT: '0',
      CLIENTS_FILE: clientsFile([{ ...GOOD, initiate_login_uri: 'http://good.example.com/login' }]),
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toContain('clients_file (CLIENTS_FILE): client "good-app", field initiate_login_uri: initiate_login_uri must be a https uri');
  expect(result.status).toBe(78);
});
