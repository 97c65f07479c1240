// /admin/users: list and filters, get, disable (sessions and tokens end, sign-in refused), enable,
// delete, the per-user quota, audit events; roles from an invitation reach the ID token.
import { FormClient, textOf } from '../support/browser-form.ts';
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, finishAuthorization, isCallback, oidc, passConsent, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import { signUpMember } from '../member/member-session.ts';

let gl: RunningGuestlist;
let admin: string;

beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gl.url}${path}`, {
    method,
    headers: { Accept: 'application/json', Authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function auditTypes(accountId: string): Promise<Array<{ type: string; actor: string }>> {
  const page = await getJson(`${gl.url}/admin/audit?limit=500`, admin);
  return page.body.data.filter((e: any) => e.account_id === accountId).map((e: any) => ({ type: e.type, actor: e.actor }));
}

test('roles given by an invite reach the ID token; the user shows who invited them', async () => {
  const member = await signUpMember(gl, 'roles@example.com', { roles: ['beta', 'moderator'] });
  expect(member.tokens.claims()!.roles).toEqual(['beta', 'moderator']);
  const user = await call('GET', `/admin/users/${member.sub}`);
  expect(user.status).toBe(200);
  expect(user.body).toEqual({
    id: member.sub,
    email: 'roles@example.com',
    email_verified: true,
    roles: ['beta', 'moderator'],
    invite_id: member.invite.id,
    invited_by: gl.adminClientId,
    created_at: expect.any(String),
    disabled: false,
    invite_quota: null,
  });
  expect(JSON.stringify(user.body)).not.toMatch(/argon|password/i);
});

test('list filters by email and invite_id and pages with a cursor', async () => {
  const a = await signUpMember(gl, 'list-a@example.com');
  await signUpMember(gl, 'list-b@example.com');
  const byEmail = await call('GET', '/admin/users?email=LIST-A@example.com');
  expect(byEmail.body.data.map((u: any) => u.id)).toEqual([a.sub]);
  const byInvite = await call('GET', `/admin/users?invite_id=${a.invite.id}`);
  expect(byInvite.body.data.map((u: any) => u.email)).toEqual(['list-a@example.com']);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await call('GET', `/admin/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.body.data.length).toBeLessThanOrEqual(1);
    seen.push(...page.body.data.map((u: any) => u.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual(expect.arrayContaining([a.sub]));
  const bad = await call('GET', '/admin/users?limit=0');
  expect(bad.status).toBe(400);
  expect(bad.body.details).toEqual([{ path: 'limit', message: 'must be at least 1' }]);
});

test('a disabled user cannot sign in, their refresh token stops working; enabled again they can', async () => {
  const member = await signUpMember(gl, 'disable-me@example.com');
  expect(member.tokens.refresh_token).toBeTruthy();
  const config = member.config;

  const disabled = await call('POST', `/admin/users/${member.sub}/disable`);
  expect(disabled.status).toBe(200);
  expect(disabled.body.disabled).toBe(true);
  await expect(oidc.refreshTokenGrant(config, member.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  const introspected = await oidc.tokenIntrospection(config, member.tokens.access_token);
  expect(introspected.active).toBe(false);
  // The member API refuses their access token too.
  expect((await getJson(`${gl.url}/account/invites`, member.tokens.access_token)).status).toBe(401);

  // Their old browser session no longer signs them in: the app gets the sign-in page.
  const start = await startAuthorization(config);
  const page = await member.browser.get(start.url.toString(), isCallback);
  expect(page.html).toContain('/login');
  // The hosted sign-in form refuses the right password.
  const fresh = new FormClient();
  const signIn = await fresh.get((await startAuthorization(config)).url.toString());
  const refused = await fresh.submit(signIn, '/login', { email: 'disable-me@example.com', password: member.password });
  expect(refused.status).toBe(403);
  expect(textOf(refused.html, 'form-error')).toBe('This account is disabled. Contact the administrator.');

  const enabled = await call('POST', `/admin/users/${member.sub}/enable`);
  expect(enabled.body.disabled).toBe(false);
  const again = new FormClient();
  const start2 = await startAuthorization(config, { prompt: 'consent', scope: 'openid email offline_access' });
  const signIn2 = await again.get(start2.url.toString());
  const callback = await passConsent(again, await again.submit(signIn2, '/login', { email: 'disable-me@example.com', password: member.password }, isCallback));
  const tokens = await finishAuthorization(config, callback.url, start2);
  expect(tokens.claims()!.sub).toBe(member.sub);
  // The refresh token from before the disable stays dead: disabling revoked it, not just paused it.
  await expect(oidc.refreshTokenGrant(config, member.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

  expect(await auditTypes(member.sub)).toEqual(expect.arrayContaining([{ type: 'user.disabled', actor: gl.adminClientId }, { type: 'user.enabled', actor: gl.adminClientId }]));
});

test('delete answers 204, ends the tokens, and the id is then unknown', async () => {
  const member = await signUpMember(gl, 'delete-me@example.com');
  const deleted = await call('DELETE', `/admin/users/${member.sub}`);
  expect(deleted.status).toBe(204);
  expect(await gl.store.accounts.findById(member.sub)).toBeNull();
  await expect(oidc.refreshTokenGrant(member.config, member.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect((await call('GET', `/admin/users/${member.sub}`)).body).toMatchObject({ error: 'not_found' });
  expect((await call('DELETE', `/admin/users/${member.sub}`)).status).toBe(404);
  expect(await auditTypes(member.sub)).toEqual(expect.arrayContaining([{ type: 'user.deleted', actor: gl.adminClientId }]));
  // The email is free again for a new invitation.
  expect((await gl.store.accounts.findByEmail('delete-me@example.com'))).toBeNull();
});

test('unknown ids are 404 not_found; a bad quota is 400 with details; quota changes are audited', async () => {
  for (const [method, path] of [['GET', '/admin/users/nope'], ['POST', '/admin/users/nope/disable'], ['POST', '/admin/users/nope/enable'], ['PUT', '/admin/users/nope/quota']] as const) {
    const answer = await call(method, path, method === 'PUT' ? { invite_quota: 3 } : undefined);
    expect([path, answer.status, answer.body.error]).toEqual([path, 404, 'not_found']);
  }
  const member = await signUpMember(gl, 'quota-user@example.com');
  const bad = await call('PUT', `/admin/users/${member.sub}/quota`, { invite_quota: -1 });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ error: 'invalid_request', details: [{ path: 'invite_quota', message: 'must be at least 0' }] });
  const set = await call('PUT', `/admin/users/${member.sub}/quota`, { invite_quota: 12 });
  expect(set.body.invite_quota).toBe(12);
  const reset = await call('PUT', `/admin/users/${member.sub}/quota`, { invite_quota: null });
  expect(reset.body.invite_quota).toBeNull();
  expect((await auditTypes(member.sub)).filter((e) => e.type === 'user.quota_changed')).toHaveLength(2);
  // Without the admin scope, none of it.
  expect((await getJson(`${gl.url}/admin/users`, member.tokens.access_token)).status).toBe(403);
});
