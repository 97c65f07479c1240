// Who gets into the console and what each role may do, over HTTP: a viewer gets 403 on every POST
// the console has, an inviter on what only an admin may do; CSRF on every form; the session's
// cookie, idle and absolute ends; and every console change audited with the admin, the address and
// `via: console`.
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { consoleVisitor, csrfOf, postForm, signUp } from './console-client.ts';
import { decodeEntities, textOf } from '../support/browser-form.ts';

const MINUTE = 60_000;
let gl: RunningGuestlist;

beforeAll(async () => {
  gl = await startGuestlist();
});
afterAll(() => gl.stop());

/** Every POST route of the console, with each :param filled by a real id where one is needed. */
function consolePosts(ids: { invite: string; person: string; job: string }): string[] {
  return gl.guestlist.routes
    .filter((route) => route.method === 'POST' && route.path.startsWith('/console/'))
    .map((route) => route.path.replace(':id', route.path.startsWith('/console/invitations') ? ids.invite : route.path.startsWith('/console/people') ? ids.person : ids.job));
}

test('a viewer reads every screen but gets 403 on every console POST, and nothing changes', async () => {
  const viewer = await consoleVisitor(gl, 'vera@example.com', ['viewer']);
  const target = await createInvite(gl, { email: 'target@example.com' });
  const { invite: someoneInvite } = await signUp(gl, 'someone@example.com', []);
  const person = (await gl.store.accounts.findByEmail('someone@example.com'))!;
  // A queue no worker of this app polls: the job stays as the test leaves it.
  const job = await gl.store.jobs.enqueue('test-only', { n: 1 }, gl.clock.now());
  await gl.store.jobs.fail((await gl.store.jobs.claimNext('test-only', 60_000))!, 'receiver answered 500');
  const posts = consolePosts({ invite: target.id, person: person.id, job: job.id });
  // Logout is the one POST a viewer may make: it ends only their own session.
  const changes = posts.filter((path) => path !== '/console/logout');
  expect(changes.length).toBeGreaterThanOrEqual(12);
  const viewerId = (await gl.store.accounts.findByEmail('vera@example.com'))!.id;
  // What the viewer has done so far (signed up, signed in to the console); other writers (the mail
  // worker) may add events meanwhile, so only the viewer's own are compared.
  const before = (await gl.store.audit.query({ actor: viewerId }, { limit: 500 })).items.length;

  for (const path of changes) {
    const answer = await postForm(viewer, `${gl.url}${path}`, { confirm: 'revoke', action: 'revoke', ids: target.id, roles: 'admin', invite_quota: '9', email: 'x@example.com', csv_text: 'email\nnew@example.com', sheet: 'email\nnew@example.com' });
    expect([path, answer.status]).toEqual([path, 403]);
    expect(textOf(answer.html, 'error-message')).toBe('Your role does not allow this. Ask an administrator.');
  }
  expect((await gl.store.invites.findById(target.id))?.revokedAt).toBeNull();
  expect(await gl.store.accounts.findById(person.id)).toMatchObject({ disabled: false, roles: [], inviteQuota: null });
  expect((await gl.store.jobs.list({ state: 'failed' }, { limit: 10 })).items.map((j) => j.id)).toContain(job.id);
  expect((await gl.store.audit.query({ actor: viewerId }, { limit: 500 })).items.length).toBe(before);
  expect(someoneInvite.id).toBeTruthy();

  // Reading is allowed, everywhere.
  for (const path of ['/console', '/console/invitations', `/console/invitations/${target.id}`, '/console/people', `/console/people/${person.id}`, '/console/audit', '/console/deliveries', '/console/settings']) {
    expect([path, (await viewer.client.get(`${gl.url}${path}`)).status]).toEqual([path, 200]);
  }
  // And the pages that only lead to a change are closed too.
  for (const path of ['/console/new-invitation', '/console/import', `/console/invitations/${target.id}/revoke`, `/console/people/${person.id}/disable`]) {
    expect([path, (await viewer.client.get(`${gl.url}${path}`)).status]).toEqual([path, 403]);
  }
});

test('an inviter creates invitations but cannot grant console roles nor change people', async () => {
  const inviter = await consoleVisitor(gl, 'ivan@example.com', ['inviter']);
  const created = await postForm(inviter, `${gl.url}/console/invitations`, { email: 'guest@example.com', uses: 'single', expires_in_days: '7', roles: 'beta' });
  expect(created.status).toBe(201);
  const invite = (await gl.store.invites.list({ email: 'guest@example.com' }, { limit: 1 }, gl.clock.now())).items[0]!;
  expect(invite.roles).toEqual(['beta']);

  const escalate = await postForm(inviter, `${gl.url}/console/invitations`, { email: 'friend@example.com', uses: 'single', roles: 'beta admin' });
  expect(escalate.status).toBe(403);
  expect((await gl.store.invites.list({ email: 'friend@example.com' }, { limit: 1 }, gl.clock.now())).items).toEqual([]);

  const someone = (await gl.store.accounts.findByEmail('ivan@example.com'))!;
  expect((await postForm(inviter, `${gl.url}/console/people/${someone.id}/roles`, { roles: 'admin' })).status).toBe(403);
  expect((await gl.store.accounts.findById(someone.id))?.roles).toEqual(['inviter']);
});

test('an account without a console role gets the 403 page at sign-in, and no session', async () => {
  const { client } = await signUp(gl, 'member@example.com', ['beta']);
  const page = await client.get(`${gl.url}/console`);
  expect(page.status).toBe(403);
  expect(page.html).toContain('Your account has no console role');
  expect((await client.get(`${gl.url}/console`)).status).toBe(403);
});

test('without a session a page goes to sign-in and a POST is 401; the CSRF token is required', async () => {
  const anonymous = await fetch(`${gl.url}/console/invitations`, { redirect: 'manual' });
  expect(anonymous.status).toBe(303);
  expect(anonymous.headers.get('location')).toBe('/console/login?return_to=%2Fconsole%2Finvitations');
  const post = await fetch(`${gl.url}/console/invitations`, { method: 'POST', redirect: 'manual', headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'email=a%40example.com' });
  expect(post.status).toBe(401);

  const admin = await consoleVisitor(gl, 'csrf-admin@example.com', ['admin']);
  for (const token of ['', 'x'.repeat(43), admin.csrf.slice(1)]) {
    const refused = await postForm(admin, `${gl.url}/console/invitations`, { _csrf: token, email: 'nope@example.com' });
    expect(refused.status).toBe(403);
  }
  expect((await gl.store.invites.list({ email: 'nope@example.com' }, { limit: 1 }, gl.clock.now())).items).toEqual([]);
  expect((await postForm(admin, `${gl.url}/console/invitations`, { email: 'yes@example.com' })).status).toBe(201);
});

test('the session cookie is SameSite=Strict and HttpOnly; the session ends after 15 idle minutes and after 8 hours', async () => {
  const { client } = await signUp(gl, 'timer@example.com', ['admin']);
  // The callback's answer carries the cookie: follow the sign-in by hand to read it.
  const login = await client.request(`${gl.url}/console`, {}, (location) => location.includes('/console/callback'));
  const callback = await fetch(login.url, { redirect: 'manual', headers: { Cookie: (client as unknown as { cookieHeader(): string }).cookieHeader() } });
  const cookie = callback.headers.getSetCookie().find((line) => line.startsWith('gl.console='))!;
  expect(cookie).toMatch(/; path=\/console/);
  expect(cookie).toMatch(/; samesite=strict/i);
  expect(cookie).toMatch(/; httponly/i);
  const value = cookie.split(';')[0]!;
  const open = (path = '/console') => fetch(`${gl.url}${path}`, { redirect: 'manual', headers: { Cookie: value } });
  expect((await open()).status).toBe(200);

  gl.clock.advance(14 * MINUTE);
  expect((await open()).status).toBe(200);
  gl.clock.advance(16 * MINUTE);
  expect((await open()).status).toBe(303);

  const active = await consoleVisitor(gl, 'long@example.com', ['admin']);
  for (let elapsed = 0; elapsed < 8 * 60 - 10; elapsed += 10) {
    gl.clock.advance(10 * MINUTE);
    expect((await active.client.get(`${gl.url}/console/settings`)).url).toBe(`${gl.url}/console/settings`);
  }
  gl.clock.advance(11 * MINUTE);
  const after = await active.client.request(`${gl.url}/console/settings`, {}, (location) => location.includes('/console/login'));
  expect(after.url).toContain('/console/login');
});

test('a console change is audited with the admin, the address and via: console', async () => {
  const admin = await consoleVisitor(gl, 'auditor@example.com', ['admin']);
  const invite = await createInvite(gl, { email: 'to-revoke@example.com' });
  const confirm = await postForm(admin, `${gl.url}/console/invitations/${invite.id}/revoke`, { confirm: 'wrong@example.com' });
  expect(confirm.status).toBe(400);
  expect((await gl.store.invites.findById(invite.id))?.revokedAt).toBeNull();
  const done = await postForm(admin, `${gl.url}/console/invitations/${invite.id}/revoke`, { confirm: 'to-revoke@example.com' });
  expect(done.status).toBe(200);
  expect((await gl.store.invites.findById(invite.id))?.revokedAt).not.toBeNull();
  const account = (await gl.store.accounts.findByEmail('auditor@example.com'))!;
  const [event] = (await gl.store.audit.query({ type: 'invite.revoked', inviteId: invite.id }, { limit: 1 })).items;
  expect(event).toMatchObject({ actor: account.id, ip: '127.0.0.1', data: { via: 'console' } });
});

test('sign-in returns only to a console path; signing out ends the console session and asks the provider to sign out', async () => {
  const { client } = await signUp(gl, 'returner@example.com', ['viewer']);
  for (const [asked, landing] of [
    ['/console/people?status=locked', '/console/people?status=locked'],
    ['//evil.example/console', '/console'],
    ['https://evil.example/', '/console'],
    ['/console\\@evil.example', '/console'],
  ]) {
    const page = await client.get(`${gl.url}/console/login?return_to=${encodeURIComponent(asked!)}`);
    expect([asked, page.status, decodeEntities(/content="0;url=([^"]+)"/.exec(page.html)?.[1] ?? '')]).toEqual([asked, 200, landing]);
  }
  const home = await client.get(`${gl.url}/console`);
  const out = await client.request(
    `${gl.url}/console/logout`,
    { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrfOf(home.html) }).toString() },
    (location) => location.includes('/session/end'),
  );
  expect(out.url).toContain('/session/end?client_id=guestlist-console');
  const confirm = await client.get(out.url);
  expect(confirm.status).toBe(200);
  expect(confirm.html).toContain('Sign out');
  const after = await client.request(`${gl.url}/console`, {}, (location) => location.includes('/console/login'));
  expect(after.url).toContain('/console/login');
  // Four sign-ins made four sessions; the one signed out is gone from the store, not only the browser.
  const account = (await gl.store.accounts.findByEmail('returner@example.com'))!;
  expect(await gl.store.consoleSessions.deleteByAccountId(account.id)).toBe(3);
});
