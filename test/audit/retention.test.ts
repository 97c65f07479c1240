// Retention beyond the audit log: failed jobs and redemption records are dropped once past their
// configured days, and audit events are left to a store that expires them on its own.
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Store } from '../../src/store/ports.ts';
import { startGuestlist } from '../support/start-guestlist.ts';
import { createTestClock, DAY } from '../support/test-clock.ts';

const redeemAt = async (store: Store, at: Date, n: number) => {
  const invite = await store.invites.create({ id: `inv-${n}`, tokenHash: `hash-${n}`, email: null, maxUses: 1, expiresAt: new Date(at.getTime() + DAY), createdAt: at, createdBy: 'admin', clientId: null, roles: [], metadata: {}, note: null });
  const account = { id: `acc-${n}`, email: `member${n}@example.com`, emailVerified: false, passwordHash: 'x', phoneNumber: null, phoneNumberVerified: false, roles: [], inviteId: invite.id, invitedBy: 'admin', createdAt: at, disabled: false, inviteQuota: null };
  expect((await store.accounts.createRedeemingInvite(account, invite.id, { ip: '192.0.2.9' }, at)).ok).toBe(true);
  return invite.id;
};

test('failed jobs and redemption records go once past failed_job_retention_days and redemption_retention_days', async () => {
  const clock = createTestClock();
  const gl = await startGuestlist({ clock, env: { FAILED_JOB_RETENTION_DAYS: '7', REDEMPTION_RETENTION_DAYS: '30' }, extraDeps: { startWorkers: false } });
  try {
    const oldRedemption = await redeemAt(gl.store, clock.now(), 1);
    await gl.store.jobs.enqueue('mail', { n: 1 }, clock.now());
    expect(await gl.store.jobs.fail((await gl.store.jobs.claimNext('mail', 1000))!, 'mailbox does not exist')).toBe(true);

    clock.advance(7 * DAY + 1);
    const recentRedemption = await redeemAt(gl.store, clock.now(), 2);
    expect(await gl.guestlist.services.sweeper.sweep()).toBe(1);
    expect(await gl.store.jobs.purgeFailedBefore(clock.now())).toBe(0);
    expect(await gl.store.invites.listRedemptions(oldRedemption)).toHaveLength(1);

    clock.advance(23 * DAY);
    expect(await gl.guestlist.services.sweeper.sweep()).toBe(1);
    expect(await gl.store.invites.listRedemptions(oldRedemption)).toEqual([]);
    expect(await gl.store.invites.listRedemptions(recentRedemption)).toHaveLength(1);
    // The account and the invite's use stay: only the record of who redeemed from where goes.
    expect((await gl.store.invites.findById(oldRedemption))?.uses).toBe(1);
    expect(await gl.store.accounts.findById('acc-1')).not.toBeNull();
  } finally {
    await gl.stop();
  }
});

test('a store whose audit events expire on their own is not swept for them; the rest still is', async () => {
  const clock = createTestClock();
  const inner = createEmbeddedStore({ clock: clock.now });
  let auditPurges = 0;
  const store: Store = {
    ...inner,
    audit: {
      ...inner.audit,
      expiresOnItsOwn: true,
      purgeBefore: async (before) => {
        auditPurges++;
        return inner.audit.purgeBefore(before);
      },
    },
  };
  const gl = await startGuestlist({ clock, store, extraDeps: { startWorkers: false } });
  try {
    await redeemAt(store, clock.now(), 1);
    clock.advance(400 * DAY);
    expect(await gl.guestlist.services.sweeper.sweep()).toBe(1);
    expect(auditPurges).toBe(0);
  } finally {
    await gl.stop();
  }
});
