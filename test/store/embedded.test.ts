// Runs the store contract against the embedded SQLite store, in memory and on disk, and checks persistence.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { describeStoreContract } from './store-contract.ts';
import { createTestClock, newAccount, newEvent, newInvite } from './contract/fixtures.ts';

const tempDirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-store-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeStoreContract('embedded, in memory', async (clock) => createEmbeddedStore({ clock }));
describeStoreContract('embedded, file in a data dir', async (clock) => createEmbeddedStore({ dataDir: await tempDir(), clock }));

test('embedded store: data survives closing and reopening the same data dir', async () => {
  const dataDir = await tempDir();
  const clock = createTestClock();
  const first = createEmbeddedStore({ dataDir, clock: () => clock.now() });
  const invite = await first.invites.create(newInvite(clock, { maxUses: 2 }));
  const account = newAccount(clock, { inviteId: invite.id });
  const redeemed = await first.accounts.createRedeemingInvite(account, invite.id, { ip: '192.0.2.5' }, clock.now());
  expect(redeemed.ok).toBe(true);
  const event = await first.audit.append(newEvent(clock, { inviteId: invite.id }));
  await first.settings.setIfAbsent('dev.secret', 'kept');
  await first.oidc.upsert('Session', 's1', { accountId: account.id }, null);
  await first.jobs.enqueue('mail', { to: account.email }, clock.now());
  await first.rateLimits.hit('ip:192.0.2.5', 60_000, clock.now());
  await first.close();

  const second = createEmbeddedStore({ dataDir, clock: () => clock.now() });
  try {
    expect(await second.invites.findById(invite.id)).toEqual({ ...invite, uses: 1 });
    expect(await second.accounts.findByEmail(account.email)).toEqual({ ...account, seq: expect.any(Number) });
    expect(await second.invites.listRedemptions(invite.id)).toHaveLength(1);
    expect((await second.audit.query({}, { limit: 5 })).items).toEqual([event]);
    expect(await second.settings.get('dev.secret')).toBe('kept');
    expect(await second.oidc.find('Session', 's1')).toEqual({ accountId: account.id });
    expect(await second.jobs.countPending('mail')).toBe(1);
    expect((await second.rateLimits.peek('ip:192.0.2.5', clock.now())).count).toBe(1);
    // Sequences continue after the reopen instead of restarting.
    const next = await second.invites.create(newInvite(clock));
    expect(next.seq).toBeGreaterThan(invite.seq);
  } finally {
    await second.close();
  }
});
