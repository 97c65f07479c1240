// Contract for AccountStore: unique emails, redeeming an invite as one unit, listing and updates.
import { InvalidCursorError } from '../../../src/store/cursor.ts';
import { EmailTakenError, type AccountRecord } from '../../../src/store/ports.ts';
import { FORGED_CURSORS, MINUTE, later, newAccount, newInvite, spendUse, walkPages, type ContractContext } from './fixtures.ts';

export function accountContract({ store, clock }: ContractContext): void {
  describe('accounts', () => {
    test('create returns the stored record; findById and findByEmail give it back', async () => {
      const input = newAccount(clock(), {
        email: 'grace@example.test',
        emailVerified: true,
        phoneNumber: '+15555550123',
        phoneNumberVerified: true,
        roles: ['admin', 'beta'],
        inviteId: 'invite-1',
        invitedBy: 'admin-client',
        inviteQuota: 12,
      });
      const created = await store().accounts.create(input);
      expect(created).toEqual({ ...input, seq: expect.any(Number) });
      expect(await store().accounts.findById(input.id)).toEqual(created);
      expect(await store().accounts.findByEmail('grace@example.test')).toEqual(created);
      expect(await store().accounts.findById('missing')).toBeNull();
      expect(await store().accounts.findByEmail('nobody@example.test')).toBeNull();
    });

    test('an account without a password (passkeys alone) keeps passwordHash null, redeeming an invite too', async () => {
      const plain = newAccount(clock(), { passwordHash: null });
      expect(await store().accounts.create(plain)).toEqual({ ...plain, seq: expect.any(Number) });
      expect((await store().accounts.findById(plain.id))?.passwordHash).toBeNull();
      const invite = await store().invites.create(newInvite(clock()));
      const redeeming = newAccount(clock(), { passwordHash: null, inviteId: invite.id });
      const outcome = await store().accounts.createRedeemingInvite(redeeming, invite.id, { ip: null }, clock().now());
      expect(outcome.ok && outcome.account.passwordHash).toBeNull();
      expect((await store().accounts.findByEmail(redeeming.email))?.passwordHash).toBeNull();
    });

    test('a taken email throws EmailTakenError and stores nothing', async () => {
      await store().accounts.create(newAccount(clock(), { email: 'dup@example.test' }));
      const second = newAccount(clock(), { email: 'dup@example.test' });
      await expect(store().accounts.create(second)).rejects.toBeInstanceOf(EmailTakenError);
      expect(await store().accounts.findById(second.id)).toBeNull();
    });

    describe('createRedeemingInvite', () => {
      test('creates the account, records the redemption and counts the use', async () => {
        const c = clock();
        const invite = await store().invites.create(newInvite(c, { maxUses: 2 }));
        const account = newAccount(c, { inviteId: invite.id, invitedBy: invite.createdBy });
        const outcome = await store().accounts.createRedeemingInvite(account, invite.id, { ip: '203.0.113.9' }, c.now());
        expect(outcome).toEqual({ ok: true, account: { ...account, seq: expect.any(Number) }, invite: { ...invite, uses: 1 } });
        expect(await store().accounts.findByEmail(account.email)).toEqual({ ...account, seq: expect.any(Number) });
        expect((await store().invites.findById(invite.id))?.uses).toBe(1);
        expect(await store().invites.listRedemptions(invite.id)).toEqual([
          { inviteId: invite.id, accountId: account.id, email: account.email, at: c.now(), ip: '203.0.113.9' },
        ]);
      });

      test('a taken email is reported and leaves the invite unused', async () => {
        const c = clock();
        await store().accounts.create(newAccount(c, { email: 'taken@example.test' }));
        const invite = await store().invites.create(newInvite(c));
        const account = newAccount(c, { email: 'taken@example.test', inviteId: invite.id });
        expect(await store().accounts.createRedeemingInvite(account, invite.id, { ip: null }, c.now())).toEqual({ ok: false, reason: 'email_taken' });
        expect((await store().invites.findById(invite.id))?.uses).toBe(0);
        expect(await store().invites.listRedemptions(invite.id)).toEqual([]);
        expect(await store().accounts.findById(account.id)).toBeNull();
      });

      test('an unavailable invite (used up, expired, revoked, unknown) creates no account', async () => {
        const c = clock();
        const used = await store().invites.create(newInvite(c));
        await spendUse(store(), used.id, c);
        const expired = await store().invites.create(newInvite(c, { expiresAt: later(c, MINUTE) }));
        const revoked = await store().invites.create(newInvite(c));
        await store().invites.revoke(revoked.id, c.now());
        c.advance(MINUTE);
        for (const inviteId of [used.id, expired.id, revoked.id, 'missing']) {
          const account = newAccount(c, { inviteId });
          expect(await store().accounts.createRedeemingInvite(account, inviteId, { ip: null }, c.now())).toEqual({
            ok: false,
            reason: 'invite_unavailable',
          });
          expect(await store().accounts.findByEmail(account.email)).toBeNull();
        }
        expect((await store().invites.findById(expired.id))?.uses).toBe(0);
        // Only the account that used the invite up exists.
        expect((await store().accounts.list({}, { limit: 10 })).items.map((account) => account.inviteId)).toEqual([used.id]);
      });

      test('30 concurrent sign-ups on a single-use invite create exactly one account', async () => {
        const c = clock();
        const invite = await store().invites.create(newInvite(c, { maxUses: 1 }));
        const outcomes = await Promise.all(
          Array.from({ length: 30 }, () => store().accounts.createRedeemingInvite(newAccount(c, { inviteId: invite.id }), invite.id, { ip: null }, c.now())),
        );
        expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
        expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === 'invite_unavailable')).toHaveLength(29);
        expect((await store().accounts.list({ inviteId: invite.id }, { limit: 50 })).items).toHaveLength(1);
        expect((await store().invites.findById(invite.id))?.uses).toBe(1);
        expect(await store().invites.listRedemptions(invite.id)).toHaveLength(1);
      });

      test('20 concurrent sign-ups on a five-use invite: exactly five accounts, each use counted once', async () => {
        const invite = await store().invites.create(newInvite(clock(), { maxUses: 5 }));
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => store().accounts.createRedeemingInvite(newAccount(clock(), { inviteId: invite.id }), invite.id, { ip: null }, clock().now())));
        const won = outcomes.filter((outcome) => outcome.ok);
        expect(won).toHaveLength(5);
        expect(won.map((outcome) => (outcome.ok ? outcome.invite.uses : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
        expect((await store().invites.findById(invite.id))?.uses).toBe(5);
        expect(await store().invites.listRedemptions(invite.id)).toHaveLength(5);
      });

      test('two invites racing for one email: one account, one use counted', async () => {
        const c = clock();
        const [a, b] = await store().invites.createMany([newInvite(c), newInvite(c)]);
        const outcomes = await Promise.all(
          [a!, b!].map((invite) =>
            store().accounts.createRedeemingInvite(newAccount(c, { email: 'race@example.test', inviteId: invite.id }), invite.id, { ip: null }, c.now()),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
        expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === 'email_taken')).toHaveLength(1);
        const uses = (await store().invites.findById(a!.id))!.uses + (await store().invites.findById(b!.id))!.uses;
        expect(uses).toBe(1);
      });
    });

    describe('list', () => {
      test('newest first, filtered by email or invite', async () => {
        const c = clock();
        const a = await store().accounts.create(newAccount(c, { inviteId: 'inv-a' }));
        const b = await store().accounts.create(newAccount(c, { inviteId: 'inv-b' }));
        const a2 = await store().accounts.create(newAccount(c, { inviteId: 'inv-a' }));
        const ids = (items: AccountRecord[]) => items.map((account) => account.id);
        expect(ids((await store().accounts.list({}, { limit: 10 })).items)).toEqual([a2.id, b.id, a.id]);
        expect(ids((await store().accounts.list({ inviteId: 'inv-a' }, { limit: 10 })).items)).toEqual([a2.id, a.id]);
        expect(ids((await store().accounts.list({ email: b.email }, { limit: 10 })).items)).toEqual([b.id]);
        expect(ids((await store().accounts.list({ email: b.email, inviteId: 'inv-a' }, { limit: 10 })).items)).toEqual([]);
      });

      test('cursor pagination walks every account once, also while new ones arrive', async () => {
        const c = clock();
        const created: AccountRecord[] = [];
        for (let i = 0; i < 23; i++) created.push(await store().accounts.create(newAccount(c)));
        const pages = await walkPages(async (cursor) => {
          const page = await store().accounts.list({}, { limit: 5, cursor });
          await store().accounts.create(newAccount(c));
          return page;
        });
        expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat().map((account) => account.id)).toEqual(created.map((account) => account.id).reverse());
      });

      test('a forged cursor throws InvalidCursorError', async () => {
        for (const cursor of FORGED_CURSORS) {
          await expect(store().accounts.list({}, { limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
        }
      });
    });

    test('update changes only the patched fields', async () => {
      const account = await store().accounts.create(newAccount(clock(), { roles: ['beta'] }));
      expect(await store().accounts.update(account.id, { disabled: true })).toEqual({ ...account, disabled: true });
      expect(await store().accounts.update(account.id, { emailVerified: true })).toEqual({ ...account, disabled: true, emailVerified: true });
      expect(await store().accounts.update(account.id, { inviteQuota: 20, roles: ['admin', 'beta'] })).toEqual({
        ...account,
        disabled: true,
        emailVerified: true,
        inviteQuota: 20,
        roles: ['admin', 'beta'],
      });
      const back = await store().accounts.update(account.id, { disabled: false, inviteQuota: null, roles: [] });
      expect(back).toEqual({ ...account, emailVerified: true, roles: [] });
      expect(await store().accounts.update(account.id, {})).toEqual(back);
      expect(await store().accounts.findById(account.id)).toEqual(back);
      expect(await store().accounts.update('missing', { disabled: true })).toBeNull();
    });

    test('update sets a new password hash, and a new email unless another account holds it', async () => {
      const account = await store().accounts.create(newAccount(clock(), { email: 'mover@example.test' }));
      await store().accounts.create(newAccount(clock(), { email: 'taken@example.test' }));
      expect(await store().accounts.update(account.id, { passwordHash: '$argon2id$new' })).toEqual({ ...account, passwordHash: '$argon2id$new' });
      await expect(store().accounts.update(account.id, { email: 'taken@example.test' })).rejects.toBeInstanceOf(EmailTakenError);
      expect((await store().accounts.findById(account.id))?.email).toBe('mover@example.test');
      expect(await store().accounts.update(account.id, { email: 'moved@example.test' })).toMatchObject({ email: 'moved@example.test' });
      expect(await store().accounts.findByEmail('mover@example.test')).toBeNull();
      expect((await store().accounts.findByEmail('moved@example.test'))?.id).toBe(account.id);
    });

    test('takeOverRedeemingInvite: the owner takes an unverified account over with one use, once, atomically', async () => {
      const c = clock();
      const squatted = await store().accounts.create(newAccount(c, { email: 'owner@example.test', emailVerified: false, roles: ['squatter'], phoneNumber: '+15550000000' }));
      const invite = await store().invites.create(newInvite(c, { email: 'owner@example.test', maxUses: 5, roles: ['member'], createdBy: 'admin-1' }));
      const takeover = { accountId: squatted.id, email: 'owner@example.test', passwordHash: '$argon2id$owner', roles: ['member'], invitedBy: 'admin-1', phoneNumber: null, phoneNumberVerified: false };
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => store().accounts.takeOverRedeemingInvite(takeover, invite.id, { ip: '192.0.2.9' }, c.now())));
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.reason)).toEqual(['email_taken', 'email_taken', 'email_taken', 'email_taken']);
      expect(await store().accounts.findById(squatted.id)).toEqual({ ...squatted, passwordHash: '$argon2id$owner', emailVerified: true, roles: ['member'], inviteId: invite.id, invitedBy: 'admin-1', phoneNumber: null, phoneNumberVerified: false });
      expect((await store().invites.findById(invite.id))?.uses).toBe(1);
      expect(await store().invites.listRedemptions(invite.id)).toEqual([expect.objectContaining({ accountId: squatted.id, email: 'owner@example.test', ip: '192.0.2.9' })]);
    });

    test('takeOverRedeemingInvite refuses a verified account and a used-up invitation, changing nothing', async () => {
      const c = clock();
      const proven = await store().accounts.create(newAccount(c, { email: 'proven@example.test', emailVerified: true }));
      const open = await store().invites.create(newInvite(c, { email: 'proven@example.test' }));
      const base = { passwordHash: '$argon2id$x', roles: [], invitedBy: null, phoneNumber: null, phoneNumberVerified: false };
      expect(await store().accounts.takeOverRedeemingInvite({ ...base, accountId: proven.id, email: 'proven@example.test' }, open.id, { ip: null }, c.now())).toEqual({ ok: false, reason: 'email_taken' });
      expect((await store().invites.findById(open.id))?.uses).toBe(0);
      const squatted = await store().accounts.create(newAccount(c, { email: 'late@example.test' }));
      const spent = await store().invites.create(newInvite(c, { email: 'late@example.test', expiresAt: c.now() }));
      expect(await store().accounts.takeOverRedeemingInvite({ ...base, accountId: squatted.id, email: 'late@example.test' }, spent.id, { ip: null }, c.now())).toEqual({ ok: false, reason: 'invite_unavailable' });
      expect(await store().accounts.findById(squatted.id)).toEqual(squatted);
    });

    test('delete removes the account once and frees its email', async () => {
      const account = await store().accounts.create(newAccount(clock(), { email: 'leaving@example.test' }));
      expect(await store().accounts.delete(account.id)).toBe(true);
      expect(await store().accounts.findById(account.id)).toBeNull();
      expect(await store().accounts.findByEmail('leaving@example.test')).toBeNull();
      expect(await store().accounts.delete(account.id)).toBe(false);
      await expect(store().accounts.create(newAccount(clock(), { email: 'leaving@example.test' }))).resolves.toBeTruthy();
    });
  });
}
