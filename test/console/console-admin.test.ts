// What an admin does in the console, over HTTP: redeliver a failed delivery, change roles (which
// ends that person's console session), never disable themselves, see current lockouts, revoke in
// bulk once confirmed, and page through filtered invitations.
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { consoleVisitor, postForm } from './console-client.ts';
import { decodeEntities, textOf } from '../support/browser-form.ts';

let gl: RunningGuestlist;
beforeAll(async () => {
  gl = await startGuestlist({ extraDeps: { startWorkers: false } });
});
afterAll(() => gl.stop());

test('a failed delivery is sent again, audited with via: console', async () => {
  const admin = await consoleVisitor(gl, 'ops@example.com', ['admin']);
  const job = await gl.store.jobs.enqueue('webhook', { target: 'webhook', event_id: 'ev-1', event_type: 'invite.created', body: '{}' }, gl.clock.now());
  await gl.store.jobs.fail((await gl.store.jobs.claimNext('webhook', 60_000))!, 'gave up after 9 attempts: receiver answered 500');
  const list = await admin.client.get(`${gl.url}/console/deliveries?state=failed`);
  expect(list.html).toContain('receiver answered 500');
  const done = await postForm(admin, `${gl.url}/console/deliveries/${job.id}/redeliver`);
  expect(done.url).toBe(`${gl.url}/console/deliveries?done=redelivered`);
  expect((await gl.store.jobs.list({ state: 'waiting' }, { limit: 10 })).items.map((j) => [j.id, j.attempts])).toContainEqual([job.id, 0]);
  // Only a failed one: the second time is a 409.
  expect((await postForm(admin, `${gl.url}/console/deliveries/${job.id}/redeliver`)).status).toBe(409);
  const [event] = (await gl.store.audit.query({ type: 'delivery.redelivered' }, { limit: 1 })).items;
  expect(event).toMatchObject({ actor: (await gl.store.accounts.findByEmail('ops@example.com'))!.id, data: { job_id: job.id, queue: 'webhook', via: 'console' } });
});

test('changing someone\'s roles ends their console session; nobody disables or demotes themselves', async () => {
  const admin = await consoleVisitor(gl, 'boss@example.com', ['admin']);
  const viewer = await consoleVisitor(gl, 'watcher@example.com', ['viewer']);
  const watcher = (await gl.store.accounts.findByEmail('watcher@example.com'))!;
  const saved = await postForm(admin, `${gl.url}/console/people/${watcher.id}/roles`, { roles: 'inviter beta' });
  expect(saved.url).toBe(`${gl.url}/console/people/${watcher.id}?done=roles`);
  expect(textOf(saved.html, 'person-roles')).toBe('inviter, beta');
  expect((await gl.store.accounts.findById(watcher.id))?.roles).toEqual(['inviter', 'beta']);
  // The viewer's session is gone: the next page goes back through sign-in (and comes back as an inviter).
  const again = await viewer.client.request(`${gl.url}/console`, {}, (location) => location.includes('/console/login'));
  expect(again.url).toContain('/console/login');

  const boss = (await gl.store.accounts.findByEmail('boss@example.com'))!;
  expect((await postForm(admin, `${gl.url}/console/people/${boss.id}/disable`, { confirm: 'boss@example.com' })).status).toBe(409);
  expect((await postForm(admin, `${gl.url}/console/people/${boss.id}/delete`, { confirm: 'boss@example.com' })).status).toBe(409);
  expect((await postForm(admin, `${gl.url}/console/people/${boss.id}/roles`, { roles: 'viewer' })).status).toBe(409);
  expect(await gl.store.accounts.findById(boss.id)).toMatchObject({ disabled: false, roles: ['admin'] });
});

test('a lockout shows on the overview and under people locked out', async () => {
  const admin = await consoleVisitor(gl, 'guard@example.com', ['admin']);
  const victim = await consoleVisitor(gl, 'victim@example.com', []).catch(() => null);
  expect(victim).toBeNull(); // no console role: the visit fails, but the account exists
  const account = (await gl.store.accounts.findByEmail('victim@example.com'))!;
  for (let i = 0; i < 5; i++) await gl.guestlist.services.signIn.signIn('victim@example.com', 'wrong password', { ip: '198.51.100.7', userAgent: null, requestId: null }).catch(() => undefined);
  const overview = await admin.client.get(`${gl.url}/console`);
  expect(decodeEntities(overview.html)).toMatch(/victim@example\.com<\/a> from 198\.51\.100\.7 until/);
  const locked = await admin.client.get(`${gl.url}/console/people?status=locked`);
  expect(locked.html).toContain(`id="person-${account.id}"`);
  expect(locked.html.match(/id="person-/g)).toHaveLength(1);
});

test('bulk revoke asks for the word first; filtered lists page with a keyset cursor', async () => {
  const admin = await consoleVisitor(gl, 'bulk@example.com', ['admin']);
  const crew = [];
  for (let i = 0; i < 55; i++) crew.push(await createInvite(gl, { email: `crew${String(i).padStart(2, '0')}@example.org`, roles: ['crew'] }));
  const first = await admin.client.get(`${gl.url}/console/invitations?role=crew&q=crew`);
  expect(first.html.match(/<tr id="invite-/g)).toHaveLength(50);
  const next = decodeEntities(/href="([^"]+)" rel="next"/.exec(first.html)?.[1] ?? '');
  expect(next).toContain('cursor=');
  const second = await admin.client.get(`${gl.url}${next}`);
  expect(second.html.match(/<tr id="invite-/g)).toHaveLength(5);
  expect(second.html).toContain('crew00@example.org');

  const ids = crew.slice(0, 3).map((invite) => invite.id);
  const ask = await postForm(admin, `${gl.url}/console/bulk-actions`, { action: 'revoke', ids });
  expect(ask.status).toBe(200);
  expect(ask.html).toContain('Type revoke to confirm');
  for (const id of ids) expect((await gl.store.invites.findById(id))?.revokedAt).toBeNull();
  const done = await postForm(admin, `${gl.url}/console/bulk-actions`, { action: 'revoke', ids, confirm: 'revoke' });
  expect(done.status).toBe(200);
  for (const id of ids) expect((await gl.store.invites.findById(id))?.revokedAt).not.toBeNull();
  // Revoking again is refused row by row, never as a whole.
  const twice = await postForm(admin, `${gl.url}/console/bulk-actions`, { action: 'revoke', ids: [ids[0]!, crew[3]!.id], confirm: 'revoke' });
  expect(twice.html.match(/data-ok="false"/g)).toHaveLength(1);
  expect((await gl.store.invites.findById(crew[3]!.id))?.revokedAt).not.toBeNull();
});
