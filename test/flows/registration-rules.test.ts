// The admission rules through POST /api/register and the hosted link: invitations, whitelist,
// invite-only off, binding, expiry, refusals that change nothing.
import { adminToken, createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { DAY } from '../support/test-clock.ts';

const PASSWORD = 'a perfectly fine password';

describe('invite-only (the default)', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({ env: { INVITATION_WHITELIST_EMAILS: 'friends.org,@crew.io,boss@corp.com' } });
  });
  afterAll(() => gl.stop());
  const register = (body: unknown) => postJson(`${gl.url}/api/register`, body);

  test('a valid invitation creates the account once; reusing it is refused', async () => {
    const invite = await createInvite(gl, {});
    const created = await register({ email: 'first@example.com', password: PASSWORD, invite_token: invite.token });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ message: 'User created successfully', sub: expect.any(String) });
    const again = await register({ email: 'second@example.com', password: PASSWORD, invite_token: invite.token });
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ error: 'invalid_invite', message: 'Invalid or expired invitation link' });
    expect(await gl.store.accounts.findByEmail('second@example.com')).toBeNull();
  });

  test('sign-up without an invitation is refused with invite_required', async () => {
    const refused = await register({ email: 'nobody@example.com', password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('invite_required');
    expect(await gl.store.accounts.findByEmail('nobody@example.com')).toBeNull();
  });

  test('the whitelist admits its domains and addresses, and no others', async () => {
    for (const email of ['ann@friends.org', 'bob@crew.io', 'boss@corp.com']) {
      const ok = await register({ email, password: PASSWORD });
      expect([email, ok.status]).toEqual([email, 201]);
      // Admitted by the whitelist, the address is not proven yet.
      expect((await gl.store.accounts.findByEmail(email))!.emailVerified).toBe(false);
    }
    for (const email of ['eve@notfriends.org', 'eve@friends.org.evil.com', 'intern@corp.com', 'x@sub.crew.io']) {
      const no = await register({ email, password: PASSWORD });
      expect([email, no.status, no.body.error]).toEqual([email, 403, 'invite_required']);
    }
  });

  test('an invitation bound to another email is refused with email_mismatch and stays unused', async () => {
    const invite = await createInvite(gl, { email: 'bound@example.com' });
    const refused = await register({ email: 'other@example.com', password: PASSWORD, invite_token: invite.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('email_mismatch');
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
    const ok = await register({ email: '  BOUND@Example.com ', password: PASSWORD, invite_token: invite.token });
    expect(ok.status).toBe(201);
    expect((await gl.store.accounts.findById(ok.body.sub))!.emailVerified).toBe(true);
  });

  test('a taken email is 409 and the invitation use is not spent', async () => {
    const first = await createInvite(gl, {});
    await register({ email: 'taken@example.com', password: PASSWORD, invite_token: first.token });
    const second = await createInvite(gl, {});
    const refused = await register({ email: 'Taken@Example.com', password: PASSWORD, invite_token: second.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('email_taken');
    expect((await gl.store.invites.findById(second.id))!.uses).toBe(0);
  });

  test('an expired invitation: 410 page, invalid_invite on register, reason expired on check', async () => {
    const invite = await createInvite(gl, { expires_in_days: 1 });
    gl.clock.advance(DAY + 1000);
    try {
      const page = await fetch(invite.url, { headers: { Accept: 'text/html' }, redirect: 'manual' });
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('This invitation has expired.');
      const check = await getJson(`${gl.url}/api/invites/${invite.token}`);
      expect(check.body).toEqual({ valid: false, reason: 'expired' });
      const refused = await register({ email: 'late@example.com', password: PASSWORD, invite_token: invite.token });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('invalid_invite');
    } finally {
      gl.clock.advance(-(DAY + 1000));
    }
  });

  test('opening the link (GET, HEAD) and checking it never spends the invitation', async () => {
    const invite = await createInvite(gl, { email: 'scanner@example.com' });
    for (let i = 0; i < 3; i++) {
      await fetch(invite.url, { method: 'HEAD', redirect: 'manual' });
      await fetch(invite.url, { redirect: 'manual' });
      await getJson(`${gl.url}/api/invites/${invite.token}`);
    }
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
    const check = await getJson(`${gl.url}/api/invites/${invite.token}`);
    expect(check.body).toEqual({ valid: true, email: 'scanner@example.com', expires_at: expect.any(String) });
  });

  test('unknown and revoked links each have their own status and message', async () => {
    const unknown = await fetch(`${gl.url}/invite/${'A'.repeat(43)}`, { headers: { Accept: 'text/html' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('This invitation link is not valid.');
    const invite = await createInvite(gl, {});
    const admin = await adminToken(gl);
    expect((await postJson(`${gl.url}/admin/invites/${invite.id}/revoke`, {}, admin)).status).toBe(200);
    const revoked = await fetch(invite.url, { headers: { Accept: 'text/html' } });
    expect(revoked.status).toBe(410);
    expect(await revoked.text()).toContain('This invitation has been withdrawn.');
    expect((await getJson(`${gl.url}/api/invites/${invite.token}`)).body).toEqual({ valid: false, reason: 'revoked' });
  });

  test('bad email or weak password is 400 invalid_request with details, and creates nothing', async () => {
    const invite = await createInvite(gl, {});
    const badEmail = await register({ email: 'not-an-email', password: PASSWORD, invite_token: invite.token });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error).toBe('invalid_request');
    expect(badEmail.body.details).toEqual([expect.objectContaining({ path: 'email' })]);
    const weak = await register({ email: 'weak@example.com', password: 'short', invite_token: invite.token });
    expect(weak.status).toBe(400);
    expect(weak.body.details).toEqual([expect.objectContaining({ path: 'password' })]);
    const huge = await register({ email: 'huge@example.com', password: 'x'.repeat(10_000), invite_token: invite.token });
    expect(huge.status).toBe(400);
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
  });

  test('NoSQL operator objects in any field are 400 and change nothing', async () => {
    const invite = await createInvite(gl, {});
    const base = { email: 'op@example.com', password: PASSWORD, invite_token: invite.token };
    for (const field of ['email', 'password', 'invite_token', 'phone_number'] as const) {
      for (const operator of [{ $ne: null }, { $gt: '' }, ['x'], 42]) {
        const refused = await register({ ...base, [field]: operator });
        expect([field, refused.status, refused.body.error]).toEqual([field, 400, 'invalid_request']);
      }
    }
    const admin = await adminToken(gl);
    const adminRefused = await postJson(`${gl.url}/admin/invites`, { email: { $ne: null } }, admin);
    expect(adminRefused.status).toBe(400);
    expect(await gl.store.accounts.findByEmail('op@example.com')).toBeNull();
    expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
  });

  test('malformed JSON is a 400 with the JSON error shape', async () => {
    const response = await fetch(`${gl.url}/api/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', message: expect.any(String) });
  });

  test('links handed out are built from the issuer, whatever Host or X-Forwarded-Host say', async () => {
    const admin = await adminToken(gl);
    const response = await fetch(`${gl.url}/admin/invites`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', Host: 'evil.example', 'X-Forwarded-Host': 'evil.example' },
      body: '{}',
    });
    const body = (await response.json()) as { url: string; token: string };
    expect(body.url).toBe(`${gl.url}/invite/${body.token}`);
  });
});

describe('with enable_invite_only off', () => {
  let gl: RunningGuestlist;
  beforeAll(async () => {
    gl = await startGuestlist({ env: { ENABLE_INVITE_ONLY: 'false' } });
  });
  afterAll(() => gl.stop());

  test('anyone may sign up, unverified; a given invitation is still checked', async () => {
    const open = await postJson(`${gl.url}/api/register`, { email: 'walkin@anywhere.net', password: PASSWORD });
    expect(open.status).toBe(201);
    expect((await gl.store.accounts.findById(open.body.sub))!.emailVerified).toBe(false);
    const bad = await postJson(`${gl.url}/api/register`, { email: 'walkin2@anywhere.net', password: PASSWORD, invite_token: 'B'.repeat(43) });
    expect(bad.status).toBe(403);
    expect(bad.body.error).toBe('invalid_invite');
  });
});
