// Member invites: /account/invites with a scope-`invites` token within the quota (revoked don't
// count, an admin override lifts it), and the hosted /account page on the session cookie.
import { FormClient, decodeEntities, findForm, textOf } from '../support/browser-form.ts';
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { writeClientsFile } from '../support/relying-party.ts';
import { signUpMember } from './member-session.ts';

let gl: RunningGuestlist;
let admin: string;

beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile(), MAX_INVITES_PER_USER: '2' }, extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

const revoke = (id: string, token: string) => postJson(`${gl.url}/account/invites/${id}/revoke`, {}, token);

test('the quota is enforced, revoked invites do not count, and an admin override lifts it', async () => {
  const member = await signUpMember(gl, 'inviter@example.com');
  const token = member.tokens.access_token;
  const first = await postJson(`${gl.url}/account/invites`, { email: 'friend1@example.com', note: 'come along' }, token);
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ email: 'friend1@example.com', created_by: member.sub, max_uses: 1, roles: [], status: 'pending' });
  expect(first.body.url).toBe(`${gl.url}/invite/${first.body.token}`);
  expect((await postJson(`${gl.url}/account/invites`, {}, token)).status).toBe(201);
  const third = await postJson(`${gl.url}/account/invites`, {}, token);
  expect(third.status).toBe(403);
  expect(third.body).toEqual({ error: 'quota_exceeded', message: 'You have used all of your invitations.' });

  // Revoking one gives the slot back.
  expect((await revoke(first.body.id, token)).body.status).toBe('revoked');
  expect((await revoke(first.body.id, token)).status).toBe(409);
  expect((await postJson(`${gl.url}/account/invites`, {}, token)).status).toBe(201);
  expect((await postJson(`${gl.url}/account/invites`, {}, token)).status).toBe(403);

  // An admin raises this member's quota.
  const set = await fetch(`${gl.url}/admin/users/${member.sub}/quota`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
    body: JSON.stringify({ invite_quota: 4 }),
  });
  expect(set.status).toBe(200);
  expect((await postJson(`${gl.url}/account/invites`, {}, token)).status).toBe(201);
  expect((await postJson(`${gl.url}/account/invites`, {}, token)).status).toBe(201);
  expect((await postJson(`${gl.url}/account/invites`, {}, token)).status).toBe(403);

  const list = await getJson(`${gl.url}/account/invites`, token);
  expect(list.status).toBe(200);
  expect(list.body.data).toHaveLength(5);
  expect(list.body.quota).toEqual({ quota: 4, used: 4, left: 0 });
  expect(list.body.data.every((i: any) => i.created_by === member.sub && i.token === undefined)).toBe(true);
});

test('members cannot grant roles or extra uses, see or revoke others\' invites, or use the API without scope', async () => {
  const member = await signUpMember(gl, 'limited@example.com');
  const token = member.tokens.access_token;
  const roles = await postJson(`${gl.url}/account/invites`, { roles: ['admin'], max_uses: 50 }, token);
  expect(roles.status).toBe(400);
  expect(roles.body.error).toBe('invalid_request');
  expect(roles.body.details[0].message).toMatch(/not allowed for members: roles, max_uses/);

  const adminInvite = await postJson(`${gl.url}/admin/invites`, {}, admin);
  expect((await revoke(adminInvite.body.id, token)).status).toBe(404);
  expect((await getJson(`${gl.url}/admin/invites/${adminInvite.body.id}`, admin)).body.status).toBe('pending');
  expect((await getJson(`${gl.url}/account/invites`, token)).body.data).toEqual([]);
  expect((await getJson(`${gl.url}/account/invites`)).status).toBe(401);
  expect((await getJson(`${gl.url}/account/invites`, admin)).status).toBe(403);
});

test('the /account page: signed out it offers sign-in that comes back here; signed in it creates, shows the link once and revokes', async () => {
  const signedOut = await new FormClient().get(`${gl.url}/account`);
  expect(signedOut.status).toBe(200);
  expect(textOf(signedOut.html, 'signed-out')).toBe('Sign in to see and send your invitations.');
  const signInHref = /href="([^"]+)"[^>]*id="account-sign-in"/.exec(signedOut.html);
  expect(signInHref?.[1]).toBeTruthy();

  // Sign in from that link in a fresh browser: the sign-in page, then back to /account.
  const member = await signUpMember(gl, 'page-user@example.com');
  const browser = new FormClient();
  const signIn = await browser.get(new URL(decodeEntities(signInHref![1]!), gl.url).toString());
  expect(signIn.html).toContain('/login');
  const page = await browser.submit(signIn, '/login', { email: 'page-user@example.com', password: member.password });
  expect(page.status).toBe(200);
  expect(new URL(page.url).pathname).toBe('/account');
  expect(textOf(page.html, 'account-email')).toBe('page-user@example.com');
  expect(textOf(page.html, 'quota-left')).toMatch(/^2 of 2 /);
  expect(page.html).toContain('<label for="email">Email (optional)</label>');

  const created = await browser.submit(page, '/account/invite', { email: 'page-friend@example.com', note: 'see you there <b>' });
  expect(created.status).toBe(201);
  const link = /id="invite-link"[^>]*value="([^"]+)"[^>]*readonly/.exec(created.html)?.[1];
  expect(link).toMatch(new RegExp(`^${gl.url}/invite/[A-Za-z0-9_-]{43}$`));
  expect(created.html).toContain('src="/account/assets/copy-link.js"');
  expect(created.html).not.toMatch(/<script>[^<]/);
  expect(created.html).toContain('see you there &lt;b&gt;');
  expect(textOf(created.html, 'quota-left')).toMatch(/^1 of 2 /);
  const check = await getJson(`${gl.url}/api/invites/${link!.split('/').pop()}`);
  expect(check.body).toMatchObject({ valid: true, email: 'page-friend@example.com' });

  // Reloading never shows the link again.
  const reloaded = await browser.get(`${gl.url}/account`);
  expect(reloaded.html).not.toContain(link!);
  expect(reloaded.html).toContain('page-friend@example.com');
  expect(reloaded.html).toMatch(/data-status="pending"/);

  const revoked = await browser.submit(reloaded, '/account/revoke', {});
  expect(revoked.status).toBe(200);
  expect(textOf(revoked.html, 'account-notice')).toBe('The invitation has been withdrawn. Its link no longer works.');
  expect(revoked.html).toMatch(/data-status="revoked"/);
  expect(textOf(revoked.html, 'quota-left')).toMatch(/^2 of 2 /);
  expect((await getJson(`${gl.url}/api/invites/${link!.split('/').pop()}`)).body).toEqual({ valid: false, reason: 'revoked' });

  // A form without its CSRF token changes nothing.
  const form = findForm(reloaded.html, '/account/invite');
  const forged = await browser.request(`${gl.url}${form.action}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'email=x%40example.com' });
  expect(forged.status).toBe(403);
  expect((await getJson(`${gl.url}/account/invites`, member.tokens.access_token)).body.data).toHaveLength(1);

  const script = await fetch(`${gl.url}/account/assets/copy-link.js`);
  expect(script.headers.get('content-type')).toMatch(/javascript/);
});

test('the page refuses a bad email with a message and the quota past its end', async () => {
  const member = await signUpMember(gl, 'page-quota@example.com');
  const browser = member.browser;
  const page = await browser.get(`${gl.url}/account`);
  const bad = await browser.submit(page, '/account/invite', { email: 'not an email' });
  expect(bad.status).toBe(400);
  expect(textOf(bad.html, 'form-error')).toBe('Enter a valid email address, or leave the field empty.');
  await browser.submit(bad, '/account/invite', {});
  const second = await browser.submit(await browser.get(`${gl.url}/account`), '/account/invite', {});
  expect(second.status).toBe(201);
  expect(textOf(second.html, 'quota-used-up')).toBe('You have used all of your invitations.');
  expect(second.html).not.toContain('action="/account/invite"');
});
