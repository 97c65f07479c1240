// A member's sending per day (member_invites_per_day, default 20): taken before the invitation is
// created, counted whether or not it is later revoked, so create-revoke-create cannot relay mail;
// 429 daily_invite_limit with Retry-After past it. Admins are not held to it.
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { writeClientsFile } from '../support/relying-party.ts';
import { overTheNetwork } from '../support/networked-store.ts';
import { textOf } from '../support/browser-form.ts';
import { signUpMember } from './member-session.ts';

const DAY = 24 * 60 * 60_000;
const DAILY_LIMIT = { error: 'daily_invite_limit', message: 'You have sent as many invitations as one day allows. Try again later.' };

let gl: RunningGuestlist;
let admin: string;
beforeAll(async () => {
  gl = await startGuestlist({ ...overTheNetwork(), env: { CLIENTS_FILE: writeClientsFile(), MAX_INVITES_PER_USER: '5' }, extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

const create = (token: string, body: Record<string, unknown> = {}) => postJson(`${gl.url}/account/invites`, body, token);
const revoke = (id: string, token: string) => postJson(`${gl.url}/account/invites/${id}/revoke`, {}, token);
async function setQuota(sub: string, quota: number): Promise<void> {
  admin = await adminToken(gl);
  const response = await fetch(`${gl.url}/admin/users/${sub}/quota`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
    body: JSON.stringify({ invite_quota: quota }),
  });
  expect(response.status).toBe(200);
}
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

test('create, revoke, create again: the day runs out after 20 invitations, revoked ones included', async () => {
  const member = await signUpMember(gl, 'relay@example.com');
  const token = member.tokens.access_token;
  for (let i = 0; i < 20; i++) {
    const created = await create(token, { email: `target${i}@example.com`, note: 'a message of my choosing' });
    expect(created.status).toBe(201);
    expect((await revoke(created.body.id, token)).status).toBe(200);
  }
  const refused = await create(token, { email: 'target20@example.com', note: 'one more' });
  expect(refused.status).toBe(429);
  expect(refused.body).toEqual(DAILY_LIMIT);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(DAY / 1000);
  // The refusal created nothing, and the quota (which revoked invitations do not use) is untouched.
  const list = await getJson(`${gl.url}/account/invites?limit=100`, token);
  expect(list.body.data).toHaveLength(20);
  expect(list.body.quota).toEqual({ quota: 5, used: 0, left: 5 });
  const alerts = (await gl.store.audit.query({ type: 'security.alert' }, { limit: 100 })).items.filter((event) => event.reason === 'member_invite_limit');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]!.data).toMatchObject({ kind: 'member_invite', limit: 20, window_seconds: DAY / 1000 });
  // The hosted /account page says so too.
  const page = await member.browser.get(`${gl.url}/account`);
  const pageRefused = await member.browser.submit(page, '/account/invite', { email: 'target21@example.com' });
  expect(pageRefused.status).toBe(429);
  expect(textOf(pageRefused.html, 'form-error')).toBe(DAILY_LIMIT.message);
  expect(Number(pageRefused.headers?.get('retry-after'))).toBeGreaterThan(0);
  // Admins are not held to it.
  for (let i = 0; i < 3; i++) expect((await postJson(`${gl.url}/admin/invites`, {}, admin)).status).toBe(201);
  // A day later the member may send again (through the service: the day outlives the access token).
  gl.clock.advance(retryAfter * 1000);
  const meta = { ip: '127.0.0.1', userAgent: 'jest', requestId: null };
  await expect(gl.guestlist.services.members.create(member.sub, { email: 'next-day@example.com' }, meta)).resolves.toMatchObject({ invite: { email: 'next-day@example.com' } });
});

test('a refusal by the quota does not use up the day; a parallel burst gets exactly the day\'s places', async () => {
  const member = await signUpMember(gl, 'burst-inviter@example.com');
  const token = member.tokens.access_token;
  await setQuota(member.sub, 1);
  expect((await create(token)).status).toBe(201);
  for (let i = 0; i < 25; i++) expect((await create(token)).body.error).toBe('quota_exceeded');
  await setQuota(member.sub, 100);
  const answers = await Promise.all(Array.from({ length: 30 }, () => create(token)));
  expect(tally(answers.map((answer) => answer.status))).toEqual({ 201: 19, 429: 11 });
  expect(answers.filter((answer) => answer.status === 429).every((answer) => answer.body.error === 'daily_invite_limit')).toBe(true);
  expect((await gl.store.invites.list({ createdBy: member.sub }, { limit: 100 }, gl.clock.now())).items).toHaveLength(20);
});
