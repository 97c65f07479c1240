// Contract for AccountCodeStore: the newest request supersedes older ones (races included), attempts
// count atomically, a code is verified once, a reset token is spent once, an account's codes end together.
import { randomUUID } from 'node:crypto';
import type { NewAccountCode } from '../../../src/store/ports.ts';
import { MINUTE, later, type ContractContext, type TestClock } from './fixtures.ts';

function newCode(clock: TestClock, overrides: Partial<NewAccountCode> = {}): NewAccountCode {
  return {
    id: randomUUID(),
    purpose: 'recovery',
    emailKey: 'k'.repeat(43),
    accountId: null,
    newEmail: null,
    via: 'code',
    codeHash: 'c'.repeat(64),
    attempts: 0,
    createdAt: clock.now(),
    expiresAt: later(clock, 15 * MINUTE),
    supersededAt: null,
    verifiedAt: null,
    resetTokenHash: null,
    resetExpiresAt: null,
    completedAt: null,
    purgeAt: later(clock, 24 * 60 * MINUTE),
    ...overrides,
  };
}

export function accountCodeContract({ store, clock }: ContractContext): void {
  describe('account codes', () => {
    const codes = () => store().accountCodes;

    test('create and findById round-trip the record', async () => {
      const record = newCode(clock(), { accountId: 'acc-1', newEmail: null });
      const created = await codes().create(record, clock().now());
      expect(created).toEqual({ ...record, seq: expect.any(Number) });
      expect(await codes().findById(record.id)).toEqual(created);
      expect(await codes().findById('missing')).toBeNull();
    });

    test('a newer request for the same address supersedes the older one, of its purpose only', async () => {
      const c = clock();
      const first = await codes().create(newCode(c), c.now());
      const change = await codes().create(newCode(c, { purpose: 'email_change', accountId: 'acc-9' }), c.now());
      const other = await codes().create(newCode(c, { emailKey: 'o'.repeat(43) }), c.now());
      const now = c.advance(MINUTE);
      const second = await codes().create(newCode(c), now);
      expect((await codes().findById(first.id))?.supersededAt).toEqual(now);
      expect((await codes().findById(second.id))?.supersededAt).toBeNull();
      expect((await codes().findById(other.id))?.supersededAt).toBeNull();
      expect((await codes().findById(change.id))?.supersededAt).toBeNull();
    });

    test('a record for an account supersedes that account’s older ones, whatever their address', async () => {
      const c = clock();
      const old = await codes().create(newCode(c, { accountId: 'acc-2', emailKey: 'a'.repeat(43) }), c.now());
      await codes().create(newCode(c, { accountId: 'acc-2', emailKey: 'b'.repeat(43), verifiedAt: c.now(), resetTokenHash: 'r'.repeat(64), resetExpiresAt: later(c, 60 * MINUTE) }), c.now());
      expect((await codes().findById(old.id))?.supersededAt).toEqual(c.now());
    });

    test('of racing requests for one address exactly one stays live: the newest', async () => {
      const c = clock();
      const created = await Promise.all(Array.from({ length: 8 }, () => codes().create(newCode(c), c.now())));
      const live = [];
      for (const record of created) if (!(await codes().findById(record.id))?.supersededAt) live.push(record);
      expect(live).toHaveLength(1);
      expect(live[0]!.seq).toBe(Math.max(...created.map((record) => record.seq)));
    });

    test('attachAccount names the account once, and never on a superseded record', async () => {
      const c = clock();
      const record = await codes().create(newCode(c), c.now());
      expect(await codes().attachAccount(record.id, 'acc-3')).toBe(true);
      expect(await codes().attachAccount(record.id, 'acc-4')).toBe(false);
      expect((await codes().findById(record.id))?.accountId).toBe('acc-3');
      const older = await codes().create(newCode(c, { emailKey: 'z'.repeat(43) }), c.now());
      await codes().create(newCode(c, { emailKey: 'z'.repeat(43) }), c.now());
      expect(await codes().attachAccount(older.id, 'acc-5')).toBe(false);
      expect(await codes().attachAccount('missing', 'acc-5')).toBe(false);
    });

    test('addAttempt counts atomically', async () => {
      const record = await codes().create(newCode(clock()), clock().now());
      const counts = await Promise.all(Array.from({ length: 6 }, () => codes().addAttempt(record.id)));
      expect(counts.sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await codes().addAttempt('missing')).toBe(0);
    });

    test('markVerified lands once, only for an account, before expiry, while live; the reset token is found by its hash', async () => {
      const c = clock();
      const reset = { tokenHash: 't'.repeat(64), expiresAt: later(c, 15 * MINUTE) };
      const undecided = await codes().create(newCode(c), c.now());
      expect(await codes().markVerified(undecided.id, reset, c.now())).toBe(false);
      const record = await codes().create(newCode(c, { emailKey: 'v'.repeat(43), accountId: 'acc-6' }), c.now());
      const results = await Promise.all(Array.from({ length: 6 }, () => codes().markVerified(record.id, reset, c.now())));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await codes().findByResetTokenHash(reset.tokenHash)).toMatchObject({ id: record.id, verifiedAt: c.now(), resetExpiresAt: reset.expiresAt });
      expect(await codes().findByResetTokenHash('missing')).toBeNull();
      const expired = await codes().create(newCode(c, { emailKey: 'w'.repeat(43), accountId: 'acc-7', expiresAt: c.now() }), c.now());
      expect(await codes().markVerified(expired.id, { tokenHash: 'u'.repeat(64), expiresAt: later(c, MINUTE) }, c.now())).toBe(false);
    });

    test('complete spends the reset token once, and not once it expired or was superseded', async () => {
      const c = clock();
      const make = async (key: string, resetExpiresAt = later(c, 15 * MINUTE)) =>
        codes().create(newCode(c, { emailKey: key.repeat(43), accountId: `acc-${key}`, verifiedAt: c.now(), resetTokenHash: key.repeat(64), resetExpiresAt }), c.now());
      const record = await make('a');
      const results = await Promise.all(Array.from({ length: 6 }, () => codes().complete(record.id, c.now())));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await codes().findById(record.id))?.completedAt).toEqual(c.now());
      const stale = await make('b', c.now());
      expect(await codes().complete(stale.id, c.now())).toBe(false);
      const ended = await make('d');
      expect(await codes().supersedeAccount('acc-d', 'recovery', c.now())).toBe(1);
      expect(await codes().complete(ended.id, c.now())).toBe(false);
      const unverified = await codes().create(newCode(c, { emailKey: 'e'.repeat(43), accountId: 'acc-e' }), c.now());
      expect(await codes().complete(unverified.id, c.now())).toBe(false);
    });

    test('supersedeAccount ends the account’s live records of one purpose', async () => {
      const c = clock();
      const recovery = await codes().create(newCode(c, { accountId: 'acc-8' }), c.now());
      const change = await codes().create(newCode(c, { purpose: 'email_change', accountId: 'acc-8', emailKey: 'n'.repeat(43) }), c.now());
      expect(await codes().supersedeAccount('acc-8', 'recovery', c.now())).toBe(1);
      expect(await codes().supersedeAccount('acc-8', 'recovery', c.now())).toBe(0);
      expect((await codes().findById(recovery.id))?.supersededAt).toEqual(c.now());
      expect((await codes().findById(change.id))?.supersededAt).toBeNull();
    });
  });
}
