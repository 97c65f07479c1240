// Atomic redemption under concurrency: one invitation yields exactly max_uses accounts.
import { createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';

let gl: RunningGuestlist;
beforeAll(async () => {
  // Every racer comes from 127.0.0.1: lift the per-address limits, which are not under test here.
  gl = await startGuestlist({ env: { RATE_LIMIT_REGISTRATIONS: '1000', RATE_LIMIT_INVITE_FAILURES: '1000' } });
});
afterAll(() => gl.stop());

async function race(token: string, racers: number, prefix: string) {
  const results = await Promise.all(
    Array.from({ length: racers }, (_, i) => postJson(`${gl.url}/api/register`, { email: `${prefix}${i}@example.com`, password: 'racing password 123', invite_token: token })),
  );
  return results.map((r) => r.status);
}

test('50 concurrent redemptions of a single-use invite give exactly one account', async () => {
  const invite = await createInvite(gl, {});
  const statuses = await race(invite.token, 50, 'solo');
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 403)).toHaveLength(49);
  const stored = await gl.store.invites.findById(invite.id);
  expect(stored!.uses).toBe(1);
  const accounts = await gl.store.accounts.list({ inviteId: invite.id }, { limit: 100 });
  expect(accounts.items).toHaveLength(1);
});

test('max_uses=5 under 20 racers gives exactly 5 accounts, each linked and counted', async () => {
  const invite = await createInvite(gl, { max_uses: 5 });
  const statuses = await race(invite.token, 20, 'team');
  expect(statuses.filter((s) => s === 201)).toHaveLength(5);
  const stored = await gl.store.invites.findById(invite.id);
  expect(stored!.uses).toBe(5);
  const accounts = await gl.store.accounts.list({ inviteId: invite.id }, { limit: 100 });
  expect(accounts.items).toHaveLength(5);
  expect(await gl.store.invites.listRedemptions(invite.id)).toHaveLength(5);
});
