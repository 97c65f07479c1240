// Contract for InviteStore: lookups, listing by status and filters, and the atomic use counter.
import { InvalidCursorError } from '../../../src/store/cursor.ts';
import type { InviteRecord, InviteStatus, Page } from '../../../src/store/ports.ts';
import { DAY, FORGED_CURSORS, MINUTE, expectNewestFirst, later, newAccount, newInvite, spendUse, walkPages, type ContractContext } from './fixtures.ts';

export function inviteContract({ store, clock }: ContractContext): void {
  describe('invites', () => {
    test('create returns the stored record; findById and findByTokenHash give it back intact', async () => {
      const input = newInvite(clock(), {
        email: 'ada@example.test',
        maxUses: 3,
        clientId: 'demo-app',
        roles: ['beta', 'staff'],
        metadata: { team: 'core', nested: { level: 2, tags: ['a', 'b'] }, 'dotted.key': true },
        note: 'for the launch',
      });
      const created = await store().invites.create(input);
      expect(created).toEqual({ ...input, uses: 0, revokedAt: null, seq: expect.any(Number) });
      expect(await store().invites.findById(input.id)).toEqual(created);
      expect(await store().invites.findByTokenHash(input.tokenHash)).toEqual(created);
      expect(await store().invites.findById('missing')).toBeNull();
      expect(await store().invites.findByTokenHash('0'.repeat(64))).toBeNull();
    });

    test('a second invite with the same token hash or id is refused', async () => {
      const first = await store().invites.create(newInvite(clock()));
      await expect(store().invites.create(newInvite(clock(), { tokenHash: first.tokenHash }))).rejects.toThrow();
      await expect(store().invites.create(newInvite(clock(), { id: first.id }))).rejects.toThrow();
      expect((await store().invites.list({}, { limit: 10 }, clock().now())).items).toHaveLength(1);
    });

    test('createMany inserts all, in order, with increasing seq', async () => {
      const inputs = Array.from({ length: 30 }, (_, i) => newInvite(clock(), { note: `row ${i}` }));
      const created = await store().invites.createMany(inputs);
      expect(created.map((invite) => invite.id)).toEqual(inputs.map((invite) => invite.id));
      for (let i = 1; i < created.length; i++) expect(created[i]!.seq).toBeGreaterThan(created[i - 1]!.seq);
      for (const invite of created) expect(await store().invites.findByTokenHash(invite.tokenHash)).toEqual(invite);
      expect(await store().invites.createMany([])).toEqual([]);
    });

    test('createMany is all or nothing: a duplicate token hash leaves none of the batch', async () => {
      const existing = await store().invites.create(newInvite(clock()));
      const batch = [newInvite(clock()), newInvite(clock(), { tokenHash: existing.tokenHash }), newInvite(clock())];
      await expect(store().invites.createMany(batch)).rejects.toThrow();
      for (const invite of batch) expect(await store().invites.findById(invite.id)).toBeNull();
    });

    describe('list', () => {
      async function seedStatuses() {
        const s = store().invites;
        const c = clock();
        const pending = await s.create(newInvite(c, { maxUses: 2 }));
        const partlyUsed = await s.create(newInvite(c, { maxUses: 2 }));
        await spendUse(store(), partlyUsed.id, c);
        const redeemed = await s.create(newInvite(c, { maxUses: 1 }));
        await spendUse(store(), redeemed.id, c);
        const expired = await s.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
        const revoked = await s.create(newInvite(c));
        await s.revoke(revoked.id, c.now());
        // Revoked and used-up invites keep their status once their date passes too.
        const revokedThenExpired = await s.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
        await s.revoke(revokedThenExpired.id, c.now());
        const redeemedThenExpired = await s.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
        await spendUse(store(), redeemedThenExpired.id, c);
        c.advance(2 * MINUTE);
        return { pending, partlyUsed, redeemed, expired, revoked, revokedThenExpired, redeemedThenExpired };
      }

      const ids = (items: InviteRecord[]) => items.map((invite) => invite.id);

      test('each status filter returns exactly its invites, newest first', async () => {
        const seeded = await seedStatuses();
        const expected: Record<InviteStatus, InviteRecord[]> = {
          pending: [seeded.partlyUsed, seeded.pending],
          redeemed: [seeded.redeemedThenExpired, seeded.redeemed],
          expired: [seeded.expired],
          revoked: [seeded.revokedThenExpired, seeded.revoked],
        };
        for (const status of Object.keys(expected) as InviteStatus[]) {
          const page = await store().invites.list({ status }, { limit: 50 }, clock().now());
          expect({ status, ids: ids(page.items) }).toEqual({ status, ids: ids(expected[status]) });
          expect(page.nextCursor).toBeNull();
        }
        const all = await store().invites.list({}, { limit: 50 }, clock().now());
        expect(all.items).toHaveLength(7);
        expectNewestFirst(all.items.map((invite) => invite.seq));
      });

      test('status depends on the `now` passed in', async () => {
        const invite = await store().invites.create(newInvite(clock(), { expiresAt: later(clock(), DAY) }));
        const at = (ms: number) => new Date(clock().now().getTime() + ms);
        expect(ids((await store().invites.list({ status: 'pending' }, { limit: 5 }, at(DAY - 1))).items)).toEqual([invite.id]);
        expect(ids((await store().invites.list({ status: 'expired' }, { limit: 5 }, at(DAY - 1))).items)).toEqual([]);
        // The expiry instant itself is already expired: a redemption requires expiresAt > now.
        expect(ids((await store().invites.list({ status: 'expired' }, { limit: 5 }, at(DAY))).items)).toEqual([invite.id]);
        expect(ids((await store().invites.list({ status: 'pending' }, { limit: 5 }, at(DAY))).items)).toEqual([]);
      });

      test('email, createdBy and creation-date filters, alone and combined', async () => {
        const c = clock();
        const s = store().invites;
        const a1 = await s.create(newInvite(c, { email: 'ada@example.test', createdBy: 'alice' }));
        c.advance(MINUTE);
        const midpoint = c.now();
        const b1 = await s.create(newInvite(c, { email: 'bob@example.test', createdBy: 'alice' }));
        c.advance(MINUTE);
        const a2 = await s.create(newInvite(c, { email: 'ada@example.test', createdBy: 'bob' }));
        const open = await s.create(newInvite(c, { createdBy: 'bob' }));
        const list = async (filter: Parameters<typeof s.list>[0]) => ids((await s.list(filter, { limit: 50 }, c.now())).items);

        expect(await list({ email: 'ada@example.test' })).toEqual([a2.id, a1.id]);
        expect(await list({ email: 'nobody@example.test' })).toEqual([]);
        expect(await list({ createdBy: 'alice' })).toEqual([b1.id, a1.id]);
        expect(await list({ createdBy: 'bob' })).toEqual([open.id, a2.id]);
        // createdAfter is inclusive, createdBefore exclusive: adjacent ranges neither overlap nor miss.
        expect(await list({ createdAfter: midpoint })).toEqual([open.id, a2.id, b1.id]);
        expect(await list({ createdBefore: midpoint })).toEqual([a1.id]);
        expect(await list({ createdAfter: midpoint, createdBefore: c.now() })).toEqual([b1.id]);
        expect(await list({ email: 'ada@example.test', createdBy: 'bob' })).toEqual([a2.id]);
        expect(await list({ email: 'ada@example.test', createdBy: 'alice', status: 'pending' })).toEqual([a1.id]);
        await s.revoke(a1.id, c.now());
        expect(await list({ email: 'ada@example.test', createdBy: 'alice', status: 'pending' })).toEqual([]);
        expect(await list({ email: 'ada@example.test', status: 'revoked' })).toEqual([a1.id]);
      });

      test('cursor pagination walks every invite once, newest first', async () => {
        const created = await store().invites.createMany(Array.from({ length: 25 }, () => newInvite(clock())));
        const pages = await walkPages((cursor) => store().invites.list({}, { limit: 10, cursor }, clock().now()));
        expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
        expect(pages.flat().map((invite) => invite.id)).toEqual(created.map((invite) => invite.id).reverse());
        // A last page that is exactly full has no next cursor.
        const exact = await store().invites.list({}, { limit: 25 }, clock().now());
        expect(exact.items).toHaveLength(25);
        expect(exact.nextCursor).toBeNull();
      });

      test('invites inserted between pages neither shift nor repeat the pages being walked', async () => {
        const created = await store().invites.createMany(Array.from({ length: 17 }, () => newInvite(clock())));
        const seen: string[] = [];
        let cursor: string | null = null;
        let pagesRead = 0;
        do {
          const page: Page<InviteRecord> = await store().invites.list({}, { limit: 4, cursor }, clock().now());
          seen.push(...page.items.map((invite) => invite.id));
          cursor = page.nextCursor;
          await store().invites.createMany([newInvite(clock()), newInvite(clock())]);
          if (++pagesRead > 20) throw new Error('pagination did not end');
        } while (cursor);
        expect(seen).toEqual(created.map((invite) => invite.id).reverse());
      });

      test('filtered pagination keeps the filter across pages', async () => {
        const c = clock();
        const mine = [];
        for (let i = 0; i < 9; i++) {
          mine.push(await store().invites.create(newInvite(c, { createdBy: 'alice' })));
          await store().invites.create(newInvite(c, { createdBy: 'bob' }));
        }
        const pages = await walkPages((cursor) => store().invites.list({ createdBy: 'alice' }, { limit: 4, cursor }, c.now()));
        expect(pages.flat().map((invite) => invite.id)).toEqual(mine.map((invite) => invite.id).reverse());
      });

      test('a forged cursor throws InvalidCursorError', async () => {
        await store().invites.create(newInvite(clock()));
        for (const cursor of FORGED_CURSORS) {
          await expect(store().invites.list({}, { limit: 5, cursor }, clock().now())).rejects.toBeInstanceOf(InvalidCursorError);
        }
      });
    });

    describe('revoke', () => {
      test('revokes a pending invite once, stamping the time', async () => {
        const invite = await store().invites.create(newInvite(clock(), { maxUses: 3 }));
        await spendUse(store(), invite.id, clock());
        clock().advance(MINUTE);
        const revoked = await store().invites.revoke(invite.id, clock().now());
        expect(revoked).toEqual({ ...invite, uses: 1, revokedAt: clock().now() });
        expect(await store().invites.findById(invite.id)).toEqual(revoked);
        expect(await store().invites.revoke(invite.id, clock().now())).toBeNull();
      });

      test('refuses used-up, expired and unknown invites', async () => {
        const c = clock();
        const used = await store().invites.create(newInvite(c));
        await spendUse(store(), used.id, c);
        const expired = await store().invites.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
        c.advance(MINUTE);
        expect(await store().invites.revoke(used.id, c.now())).toBeNull();
        expect(await store().invites.revoke(expired.id, c.now())).toBeNull();
        expect(await store().invites.revoke('missing', c.now())).toBeNull();
        expect((await store().invites.findById(used.id))?.revokedAt).toBeNull();
        expect((await store().invites.findById(expired.id))?.revokedAt).toBeNull();
      });
    });

    describe('rotateToken', () => {
      test('swaps the token hash and expiry: the old hash stops resolving', async () => {
        const invite = await store().invites.create(newInvite(clock()));
        const expiresAt = later(clock(), 3 * DAY);
        const rotated = await store().invites.rotateToken(invite.id, 'f'.repeat(64), expiresAt);
        expect(rotated).toEqual({ ...invite, tokenHash: 'f'.repeat(64), expiresAt });
        expect(await store().invites.findByTokenHash(invite.tokenHash)).toBeNull();
        expect(await store().invites.findByTokenHash('f'.repeat(64))).toEqual(rotated);
      });

      test('revives an expired invite (resend restarts the expiry)', async () => {
        const c = clock();
        const invite = await store().invites.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
        c.advance(2 * MINUTE);
        await expect(spendUse(store(), invite.id, c)).rejects.toThrow(/no use left/);
        expect(await store().invites.rotateToken(invite.id, 'e'.repeat(64), later(c, DAY))).not.toBeNull();
        await spendUse(store(), invite.id, c);
        expect((await store().invites.findById(invite.id))?.uses).toBe(1);
      });

      test('refuses revoked, used-up and unknown invites', async () => {
        const c = clock();
        const revoked = await store().invites.create(newInvite(c));
        await store().invites.revoke(revoked.id, c.now());
        const used = await store().invites.create(newInvite(c));
        await spendUse(store(), used.id, c);
        expect(await store().invites.rotateToken(revoked.id, 'a'.repeat(64), later(c, DAY))).toBeNull();
        expect(await store().invites.rotateToken(used.id, 'b'.repeat(64), later(c, DAY))).toBeNull();
        expect(await store().invites.rotateToken('missing', 'c'.repeat(64), later(c, DAY))).toBeNull();
        expect((await store().invites.findById(revoked.id))?.tokenHash).toBe(revoked.tokenHash);
        expect((await store().invites.findById(used.id))?.tokenHash).toBe(used.tokenHash);
      });
    });

    test('countCountedAgainstQuota counts all but revoked invites of one creator', async () => {
      const c = clock();
      const s = store().invites;
      expect(await s.countCountedAgainstQuota('alice')).toBe(0);
      await s.create(newInvite(c, { createdBy: 'alice' }));
      const used = await s.create(newInvite(c, { createdBy: 'alice' }));
      await spendUse(store(), used.id, c);
      await s.create(newInvite(c, { createdBy: 'alice', expiresAt: later(c, MINUTE) }));
      const revoked = await s.create(newInvite(c, { createdBy: 'alice' }));
      await s.revoke(revoked.id, c.now());
      await s.create(newInvite(c, { createdBy: 'bob' }));
      c.advance(2 * MINUTE);
      expect(await s.countCountedAgainstQuota('alice')).toBe(3);
      expect(await s.countCountedAgainstQuota('bob')).toBe(1);
    });

    test('createWithinQuota inserts below the quota, refuses at it, and revoked invites free a place', async () => {
      const c = clock();
      const s = store().invites;
      expect(await s.createWithinQuota(newInvite(c, { createdBy: 'carol' }), 2)).toMatchObject({ createdBy: 'carol', uses: 0 });
      const second = await s.createWithinQuota(newInvite(c, { createdBy: 'carol' }), 2);
      expect(second).not.toBeNull();
      expect(await s.createWithinQuota(newInvite(c, { createdBy: 'carol' }), 2)).toBeNull();
      expect(await s.countCountedAgainstQuota('carol')).toBe(2);
      await s.revoke(second!.id, c.now());
      expect(await s.createWithinQuota(newInvite(c, { createdBy: 'carol' }), 2)).not.toBeNull();
      expect(await s.createWithinQuota(newInvite(c, { createdBy: 'dave' }), 1)).not.toBeNull();
    });

    test('20 racing createWithinQuota calls with a quota of 3 create exactly 3', async () => {
      const c = clock();
      const results = await Promise.all(Array.from({ length: 20 }, () => store().invites.createWithinQuota(newInvite(c, { createdBy: 'racer' }), 3).catch(() => null)));
      expect(results.filter(Boolean)).toHaveLength(3);
      expect(await store().invites.countCountedAgainstQuota('racer')).toBe(3);
    });

    test('listRedemptions lists the accounts an invite admitted, oldest first', async () => {
      const c = clock();
      const invite = await store().invites.create(newInvite(c, { maxUses: 3 }));
      expect(await store().invites.listRedemptions(invite.id)).toEqual([]);
      const first = newAccount(c, { inviteId: invite.id });
      const firstAt = c.now();
      await store().accounts.createRedeemingInvite(first, invite.id, { ip: '198.51.100.7' }, firstAt);
      const second = newAccount(c, { inviteId: invite.id });
      const secondAt = c.advance(MINUTE);
      await store().accounts.createRedeemingInvite(second, invite.id, { ip: null }, secondAt);
      expect(await store().invites.listRedemptions(invite.id)).toEqual([
        { inviteId: invite.id, accountId: first.id, email: first.email, at: firstAt, ip: '198.51.100.7' },
        { inviteId: invite.id, accountId: second.id, email: second.email, at: secondAt, ip: null },
      ]);
      expect(await store().invites.listRedemptions('missing')).toEqual([]);
    });

    test('purgeRedemptionsBefore drops redemption records past retention and keeps the invite and its uses', async () => {
      const c = clock();
      const invite = await store().invites.create(newInvite(c, { maxUses: 3 }));
      await store().accounts.createRedeemingInvite(newAccount(c, { inviteId: invite.id }), invite.id, { ip: '198.51.100.7' }, c.now());
      const cutoff = c.advance(MINUTE);
      const kept = newAccount(c, { inviteId: invite.id });
      await store().accounts.createRedeemingInvite(kept, invite.id, { ip: null }, c.now());
      expect(await store().invites.purgeRedemptionsBefore(cutoff)).toBe(1);
      expect(await store().invites.purgeRedemptionsBefore(cutoff)).toBe(0);
      expect((await store().invites.listRedemptions(invite.id)).map((r) => r.accountId)).toEqual([kept.id]);
      expect((await store().invites.findById(invite.id))?.uses).toBe(2);
    });
  });
}
