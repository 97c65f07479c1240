// Contract for what the admin console reads: counts by status and per day, the list filters of
// invitations, accounts and jobs, redelivery, and an account's oidc records.
import { DAY, MINUTE, later, newAccount, newEvent, newInvite, spendUse, type ContractContext } from './fixtures.ts';

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

export function consoleQueryContract({ store, clock }: ContractContext): void {
  describe('console queries', () => {
    test('invites: countByStatus counts each status at `now`', async () => {
      const s = store().invites;
      const c = clock();
      expect(await s.countByStatus(c.now())).toEqual({ pending: 0, redeemed: 0, expired: 0, revoked: 0 });
      await s.create(newInvite(c));
      await s.create(newInvite(c));
      const used = await s.create(newInvite(c));
      await spendUse(store(), used.id, c);
      const revoked = await s.create(newInvite(c));
      await s.revoke(revoked.id, c.now());
      await s.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
      expect(await s.countByStatus(c.now())).toEqual({ pending: 3, redeemed: 1, expired: 0, revoked: 1 });
      expect(await s.countByStatus(later(c, 2 * MINUTE))).toEqual({ pending: 2, redeemed: 1, expired: 1, revoked: 1 });
    });

    test('invites: expiredPerDay counts unused, unrevoked invitations by the day they ran out', async () => {
      const s = store().invites;
      const c = clock();
      const start = new Date(Date.UTC(2030, 0, 10));
      const at = (days: number, hours = 12) => new Date(start.getTime() + days * DAY + hours * 3_600_000);
      await s.create(newInvite(c, { expiresAt: at(0) }));
      await s.create(newInvite(c, { expiresAt: at(0, 23) }));
      await s.create(newInvite(c, { expiresAt: at(2) }));
      const revoked = await s.create(newInvite(c, { expiresAt: at(1) }));
      await s.revoke(revoked.id, c.now());
      const used = await s.create(newInvite(c, { expiresAt: at(1) }));
      await spendUse(store(), used.id, c);
      await s.create(newInvite(c, { expiresAt: at(5) }));
      expect(await s.expiredPerDay(start, at(3, 0))).toEqual([
        { day: '2030-01-10', count: 2 },
        { day: '2030-01-12', count: 1 },
      ]);
    });

    test('invites: list filters by email prefix, app and role', async () => {
      const s = store().invites;
      const c = clock();
      const ada = await s.create(newInvite(c, { email: 'ada@example.test', clientId: 'app-a', roles: ['beta', 'staff'] }));
      const adam = await s.create(newInvite(c, { email: 'adam@example.test', clientId: 'app-b', roles: ['beta'] }));
      await s.create(newInvite(c, { email: 'bob@example.test', roles: ['staff'] }));
      await s.create(newInvite(c, { email: 'a.d%m@example.test' }));
      const ids = async (filter: Parameters<typeof s.list>[0]) => (await s.list(filter, { limit: 10 }, c.now())).items.map((invite) => invite.id);
      expect(await ids({ emailPrefix: 'ada' })).toEqual([adam.id, ada.id]);
      expect(await ids({ emailPrefix: 'ada@' })).toEqual([ada.id]);
      // Wildcards of LIKE or a regular expression are plain text here.
      expect(await ids({ emailPrefix: 'a.' })).toHaveLength(1);
      expect(await ids({ emailPrefix: 'a%' })).toEqual([]);
      expect(await ids({ emailPrefix: '.*' })).toEqual([]);
      expect(await ids({ clientId: 'app-a' })).toEqual([ada.id]);
      expect(await ids({ role: 'beta' })).toEqual([adam.id, ada.id]);
      expect(await ids({ role: 'beta', clientId: 'app-b' })).toEqual([adam.id]);
      expect(await ids({ role: 'bet' })).toEqual([]);
    });

    test('accounts: list filters by inviter, disabled, role and ids', async () => {
      const a = store().accounts;
      const c = clock();
      const root = await a.create(newAccount(c, { roles: ['admin'] }));
      const child = await a.create(newAccount(c, { invitedBy: root.id, roles: ['viewer', 'beta'] }));
      const off = await a.create(newAccount(c, { invitedBy: root.id, disabled: true }));
      const ids = async (filter: Parameters<typeof a.list>[0]) => (await a.list(filter, { limit: 10 })).items.map((account) => account.id);
      expect(await ids({ invitedBy: root.id })).toEqual([off.id, child.id]);
      expect(await ids({ disabled: true })).toEqual([off.id]);
      expect(await ids({ disabled: false })).toEqual([child.id, root.id]);
      expect(await ids({ role: 'viewer' })).toEqual([child.id]);
      expect(await ids({ role: 'view' })).toEqual([]);
      expect(await ids({ ids: [root.id, off.id, 'nobody'] })).toEqual([off.id, root.id]);
      expect(await ids({ ids: [] })).toEqual([]);
    });

    test('audit: countPerDay and count, with or without a reason, and once per invitation', async () => {
      const c = clock();
      const start = new Date(Date.UTC(2030, 0, 10, 8));
      const add = (days: number, overrides: Parameters<typeof newEvent>[1]) => store().audit.append(newEvent(c, { at: new Date(start.getTime() + days * DAY), ...overrides }));
      await add(0, { type: 'invite.viewed', inviteId: 'i1' });
      await add(0, { type: 'invite.viewed', inviteId: 'i1' });
      await add(0, { type: 'invite.viewed', inviteId: 'i2' });
      await add(0, { type: 'invite.viewed', inviteId: null, reason: 'unknown' });
      await add(0, { type: 'invite.viewed', inviteId: 'i3', reason: 'expired' });
      await add(1, { type: 'invite.viewed', inviteId: 'i1' });
      await add(1, { type: 'invite.created', inviteId: 'i4' });
      await add(40, { type: 'invite.viewed', inviteId: 'i5' });
      const span = { type: 'invite.viewed', since: start, until: new Date(start.getTime() + 30 * DAY) };
      expect(await store().audit.countPerDay(span)).toEqual([
        { day: '2030-01-10', count: 5 },
        { day: '2030-01-11', count: 1 },
      ]);
      expect(await store().audit.countPerDay({ ...span, withoutReason: true, distinctInvites: true })).toEqual([
        { day: '2030-01-10', count: 2 },
        { day: '2030-01-11', count: 1 },
      ]);
      expect(await store().audit.count(span)).toBe(6);
      expect(await store().audit.count({ ...span, withoutReason: true, distinctInvites: true })).toBe(2);
      expect(await store().audit.count({ ...span, type: 'invite.created' })).toBe(1);
      expect(dayOf(start)).toBe('2030-01-10');
    });

    test('jobs: list newest first by queue and state, countFailing, and redeliver only a failed one', async () => {
      const j = store().jobs;
      const c = clock();
      const first = await j.enqueue('mail', { n: 1 }, c.now());
      const second = await j.enqueue('mail', { n: 2 }, c.now());
      const hook = await j.enqueue('webhook', { n: 3 }, c.now());
      const claimedFirst = await j.claimNext('mail', MINUTE);
      expect(claimedFirst?.id).toBe(first.id);
      await j.fail(claimedFirst!, 'mailbox does not exist');
      const claimedSecond = await j.claimNext('mail', MINUTE);
      await j.retry(claimedSecond!, MINUTE, 'SMTP 451');
      const all = await j.list({}, { limit: 10 });
      expect(all.items.map((job) => [job.id, job.state])).toEqual([
        [hook.id, 'waiting'],
        [second.id, 'waiting'],
        [first.id, 'failed'],
      ]);
      expect(all.items[2]).toMatchObject({ queue: 'mail', attempts: 1, lastError: 'mailbox does not exist' });
      expect((await j.list({ queue: 'mail', state: 'failed' }, { limit: 10 })).items.map((job) => job.id)).toEqual([first.id]);
      expect((await j.list({ state: 'retrying' }, { limit: 10 })).items.map((job) => job.id)).toEqual([second.id]);
      const paged = await j.list({}, { limit: 2 });
      expect(paged.nextCursor).not.toBeNull();
      expect((await j.list({}, { limit: 2, cursor: paged.nextCursor })).items.map((job) => job.id)).toEqual([first.id]);
      expect(await j.countFailing('mail')).toEqual({ failed: 1, retrying: 1 });
      expect(await j.countFailing('webhook')).toEqual({ failed: 0, retrying: 0 });

      expect(await j.redeliver(second.id)).toBeNull();
      expect(await j.redeliver('missing')).toBeNull();
      const again = await j.redeliver(first.id);
      expect(again).toMatchObject({ id: first.id, state: 'waiting', attempts: 0 });
      expect(await j.redeliver(first.id)).toBeNull();
      expect(await j.countFailing('mail')).toEqual({ failed: 0, retrying: 2 });
      // Due now by the store's clock (the retried one waits a minute), and out of failed-job retention.
      expect((await j.claimNext('mail', MINUTE))?.id).toBe(first.id);
      expect(await j.purgeFailedBefore(later(c, DAY))).toBe(0);
    });

    test('oidc: findByAccountId gives one model of one account, unexpired, up to the limit', async () => {
      const o = store().oidc;
      await o.upsert('Session', 's1', { accountId: 'acc-1', loginTs: 1 }, later(clock(), MINUTE));
      await o.upsert('Session', 's2', { accountId: 'acc-1', loginTs: 2 }, later(clock(), -MINUTE));
      await o.upsert('Session', 's3', { accountId: 'acc-2', loginTs: 3 }, later(clock(), MINUTE));
      await o.upsert('Grant', 'g1', { accountId: 'acc-1', clientId: 'app' }, later(clock(), MINUTE));
      const sessions = await o.findByAccountId('Session', 'acc-1', 10);
      expect(sessions).toEqual([{ id: 's1', payload: { accountId: 'acc-1', loginTs: 1 }, expiresAt: later(clock(), MINUTE) }]);
      expect((await o.findByAccountId('Grant', 'acc-1', 10)).map((grant) => grant.payload.clientId)).toEqual(['app']);
      await o.upsert('Grant', 'g2', { accountId: 'acc-1', clientId: 'other' }, null);
      expect(await o.findByAccountId('Grant', 'acc-1', 1)).toHaveLength(1);
    });
  });
}
