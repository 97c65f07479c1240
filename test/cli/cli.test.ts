// The command line: invite, list, revoke, disable and enable through the same services and rules
// as the API, audited as `cli`; and the real command (`npm run guestlist --`) against a data dir.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXIT, runCli } from '../../src/cli/cli.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { getJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { REPO_ROOT } from '../support/child-guestlist.ts';
import { signUp } from '../console/console-client.ts';

let gl: RunningGuestlist;
beforeAll(async () => {
  gl = await startGuestlist();
});
afterAll(() => gl.stop());

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text) }, { services: gl.guestlist.services, issuer: gl.url, clock: gl.clock.now });
  return { code, out, err };
}

test('invite prints a working link once, with the roles asked for, audited as cli', async () => {
  const result = await cli('invite', 'Owner@Example.com', '--roles', 'admin,beta', '--no-email');
  expect(result.code).toBe(EXIT.ok);
  const link = result.out.trim();
  expect(link).toMatch(new RegExp(`^${gl.url}/invite/[A-Za-z0-9_-]{43}$`));
  expect((await getJson(`${gl.url}/api/invites/${link.split('/').pop()}`)).body).toMatchObject({ valid: true, email: 'owner@example.com' });
  const invite = (await gl.store.invites.list({ email: 'owner@example.com' }, { limit: 1 }, gl.clock.now())).items[0]!;
  expect(invite).toMatchObject({ roles: ['admin', 'beta'], createdBy: 'cli', maxUses: 1 });
  const [event] = (await gl.store.audit.query({ type: 'invite.created', inviteId: invite.id }, { limit: 1 })).items;
  expect(event).toMatchObject({ actor: 'cli', userAgent: 'guestlist-cli', data: { via: 'cli' } });
  // The token is in the output only: nothing stored holds it.
  expect(JSON.stringify(event)).not.toContain(link.split('/').pop());
});

test('invite follows the API rules: a bad email, unknown app or bad number is refused and creates nothing', async () => {
  const before = (await gl.store.invites.list({}, { limit: 500 }, gl.clock.now())).items.length;
  const bad = await cli('invite', 'not-an-email');
  expect(bad).toMatchObject({ code: EXIT.refused, out: '' });
  expect(bad.err).toContain('email: must be a valid email address');
  const app = await cli('invite', 'a@example.com', '--app', 'no-such-app');
  expect(app.code).toBe(EXIT.refused);
  expect(app.err).toContain('client_id does not name a registered client');
  expect((await cli('invite', 'a@example.com', '--max-uses', 'lots')).code).toBe(EXIT.usage);
  expect((await cli('invite', 'a@example.com', '--expires-in-days', '400')).code).toBe(EXIT.refused);
  expect((await cli('invite')).code).toBe(EXIT.usage);
  expect((await cli('frobnicate')).code).toBe(EXIT.usage);
  expect((await gl.store.invites.list({}, { limit: 500 }, gl.clock.now())).items.length).toBe(before);
});

test('an open multi-use invitation, list with a status filter, and revoke', async () => {
  const open = await cli('invite', '--open', '--max-uses', '3', '--json');
  expect(open.code).toBe(EXIT.ok);
  const created = JSON.parse(open.out) as { id: string; email: null; max_uses: number; url: string };
  expect(created).toMatchObject({ email: null, max_uses: 3, url: expect.stringContaining('/invite/') });

  const listed = await cli('list', '--status', 'pending');
  expect(listed.out).toContain(created.id);
  expect((await cli('list', '--status', 'sideways')).code).toBe(EXIT.usage);

  const revoked = await cli('revoke', created.id);
  expect(revoked).toMatchObject({ code: EXIT.ok, out: `Revoked ${created.id}.\n` });
  expect((await cli('list', '--status', 'revoked', '--json')).out).toContain(created.id);
  // The API's 409: only a pending invitation can be revoked.
  expect((await cli('revoke', created.id)).code).toBe(EXIT.refused);
  expect((await cli('revoke', 'no-such-id')).err).toContain('not_found');
  const [event] = (await gl.store.audit.query({ type: 'invite.revoked', inviteId: created.id }, { limit: 1 })).items;
  expect(event).toMatchObject({ actor: 'cli', data: { via: 'cli' } });
});

test('disable ends a member\'s sessions and sign-in; enable lets them back', async () => {
  await signUp(gl, 'dana@example.com', []);
  const account = (await gl.store.accounts.findByEmail('dana@example.com'))!;
  expect((await gl.store.oidc.findByAccountId('Session', account.id, 10)).length).toBe(1);
  const disabled = await cli('disable', 'dana@example.com');
  expect(disabled).toMatchObject({ code: EXIT.ok, out: `Disabled dana@example.com (${account.id}).\n` });
  expect((await gl.store.accounts.findById(account.id))?.disabled).toBe(true);
  expect(await gl.store.oidc.findByAccountId('Session', account.id, 10)).toEqual([]);
  expect((await gl.store.audit.query({ type: 'user.disabled', accountId: account.id }, { limit: 1 })).items[0]).toMatchObject({ actor: 'cli', data: { via: 'cli' } });
  expect((await cli('enable', account.id)).code).toBe(EXIT.ok);
  expect((await gl.store.accounts.findById(account.id))?.disabled).toBe(false);
  expect((await cli('disable', 'nobody@example.com')).code).toBe(EXIT.refused);
});

test('`npm run guestlist -- invite` works against the configured store, as an operator runs it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-cli-'));
  try {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ISSUER: 'https://id.example.test', LOG_LEVEL: 'warn' };
    const run = promisify(execFile);
    const { stdout } = await run('npm', ['run', '-s', 'guestlist', '--', 'invite', 'owner@example.com', '--roles', 'admin'], { cwd: REPO_ROOT, env });
    expect(stdout.trim()).toMatch(/^https:\/\/id\.example\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    const failed = await run('npm', ['run', '-s', 'guestlist', '--', 'invite', 'nope'], { cwd: REPO_ROOT, env }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: EXIT.refused });
    const store = createEmbeddedStore({ dataDir });
    try {
      const [invite] = (await store.invites.list({}, { limit: 5 }, new Date())).items;
      expect(invite).toMatchObject({ email: 'owner@example.com', roles: ['admin'], createdBy: 'cli' });
      // Bound to an email and not told otherwise: the invitation email waits in the queue for the server.
      expect(await store.jobs.countPending('mail')).toBe(1);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
