// Contract for VerificationStore: pending sign-ups, attempt counting, single consumption, resends claimed before they go.
import { randomUUID } from 'node:crypto';
import type { VerificationRecord } from '../../../src/store/ports.ts';
import { MINUTE, later, type ContractContext, type TestClock } from './fixtures.ts';

function newVerification(clock: TestClock): VerificationRecord {
  return {
    id: randomUUID(),
    registration: { email: 'ada@example.test', passwordHash: '$argon2id$...', inviteId: 'inv-1', inviteTokenHash: null, emailVerified: false, roles: ['beta'], phoneNumber: null, channels: ['email'], interactionUid: null },
    emailCodeHash: 'a'.repeat(64),
    phoneCodeHash: null,
    attempts: 0,
    sends: 1,
    lastSentAt: clock.now(),
    expiresAt: later(clock, 15 * MINUTE),
    consumedAt: null,
  };
}

export function verificationContract({ store, clock }: ContractContext): void {
  describe('verifications', () => {
    test('create and findById round-trip the record', async () => {
      const record = newVerification(clock());
      expect(await store().verifications.create(record)).toEqual(record);
      expect(await store().verifications.findById(record.id)).toEqual(record);
      expect(await store().verifications.findById('missing')).toBeNull();
    });

    test('addAttempt counts failed attempts', async () => {
      const record = await store().verifications.create(newVerification(clock()));
      expect(await store().verifications.addAttempt(record.id)).toBe(1);
      expect(await store().verifications.addAttempt(record.id)).toBe(2);
      const counts = await Promise.all(Array.from({ length: 5 }, () => store().verifications.addAttempt(record.id)));
      expect(counts.sort()).toEqual([3, 4, 5, 6, 7]);
      expect((await store().verifications.findById(record.id))?.attempts).toBe(7);
      expect(await store().verifications.addAttempt('missing')).toBe(0);
    });

    test('consume succeeds for exactly one caller', async () => {
      const record = await store().verifications.create(newVerification(clock()));
      const results = await Promise.all(Array.from({ length: 10 }, () => store().verifications.consume(record.id, clock().now())));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store().verifications.findById(record.id))?.consumedAt).toEqual(clock().now());
      expect(await store().verifications.consume(record.id, later(clock(), MINUTE))).toBe(false);
      expect(await store().verifications.consume('missing', clock().now())).toBe(false);
    });

    test('a claimed send counts and restarts expiry; setCodes swaps the hashes, keeping the wrong-code count', async () => {
      const record = await store().verifications.create(newVerification(clock()));
      await store().verifications.addAttempt(record.id);
      const now = clock().advance(2 * MINUTE);
      const expiresAt = later(clock(), 15 * MINUTE);
      const claimed = await store().verifications.claimSend(record.id, { now, sentBefore: new Date(now.getTime() - MINUTE), maxSends: 6, expiresAt });
      expect(claimed).toEqual({ ...record, sends: 2, lastSentAt: now, expiresAt, attempts: 1 });
      await store().verifications.setCodes(record.id, { emailCodeHash: 'b'.repeat(64), phoneCodeHash: 'c'.repeat(64) }, now);
      expect(await store().verifications.findById(record.id)).toEqual({
        ...record,
        emailCodeHash: 'b'.repeat(64),
        phoneCodeHash: 'c'.repeat(64),
        sends: 2,
        lastSentAt: now,
        expiresAt,
        // Wrong tries count per sign-up, not per code: a resend must not buy five more guesses.
        attempts: 1,
      });
    });

    test('claimSend refuses a send too soon, past maxSends, of a consumed or expired record, and of a missing one', async () => {
      const c = clock();
      const claim = (id: string, overrides: Partial<{ now: Date; sentBefore: Date; maxSends: number; expiresAt: Date }> = {}) =>
        store().verifications.claimSend(id, { now: c.now(), sentBefore: new Date(c.now().getTime() - MINUTE), maxSends: 3, expiresAt: later(c, 15 * MINUTE), ...overrides });
      const record = await store().verifications.create(newVerification(c));
      expect(await claim(record.id)).toBeNull();
      c.advance(MINUTE);
      expect(await claim(record.id)).toMatchObject({ sends: 2 });
      c.advance(MINUTE);
      expect(await claim(record.id)).toMatchObject({ sends: 3 });
      c.advance(MINUTE);
      expect(await claim(record.id)).toBeNull();
      expect((await store().verifications.findById(record.id))?.sends).toBe(3);
      const consumed = await store().verifications.create(newVerification(c));
      await store().verifications.consume(consumed.id, c.now());
      expect(await claim(consumed.id, { sentBefore: c.now() })).toBeNull();
      const expired = await store().verifications.create({ ...newVerification(c), expiresAt: c.now() });
      expect(await claim(expired.id, { sentBefore: c.now() })).toBeNull();
      expect(await claim('missing', { sentBefore: c.now() })).toBeNull();
    });

    test('of racing claims exactly one lands', async () => {
      const record = await store().verifications.create(newVerification(clock()));
      const now = clock().advance(MINUTE);
      const claims = await Promise.all(
        Array.from({ length: 10 }, () => store().verifications.claimSend(record.id, { now, sentBefore: new Date(now.getTime() - MINUTE), maxSends: 6, expiresAt: later(clock(), 15 * MINUTE) })),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store().verifications.findById(record.id))?.sends).toBe(2);
    });

    test('releaseSend undoes its own claim only; setCodes of a send no longer the latest is ignored', async () => {
      const record = await store().verifications.create(newVerification(clock()));
      const first = clock().advance(MINUTE);
      const rules = (now: Date) => ({ now, sentBefore: new Date(now.getTime() - MINUTE), maxSends: 6, expiresAt: new Date(now.getTime() + 15 * MINUTE) });
      await store().verifications.claimSend(record.id, rules(first));
      await store().verifications.releaseSend(record.id, first, { lastSentAt: record.lastSentAt, expiresAt: record.expiresAt });
      expect(await store().verifications.findById(record.id)).toEqual(record);
      // A release for a claim that is no longer the latest changes nothing.
      await store().verifications.claimSend(record.id, rules(first));
      const second = clock().advance(MINUTE);
      await store().verifications.claimSend(record.id, rules(second));
      await store().verifications.releaseSend(record.id, first, { lastSentAt: record.lastSentAt, expiresAt: record.expiresAt });
      expect(await store().verifications.findById(record.id)).toMatchObject({ sends: 3, lastSentAt: second });
      // The first send's codes arrive late: the second send's stand.
      await store().verifications.setCodes(record.id, { emailCodeHash: 'd'.repeat(64), phoneCodeHash: null }, second);
      await store().verifications.setCodes(record.id, { emailCodeHash: 'e'.repeat(64), phoneCodeHash: null }, first);
      expect((await store().verifications.findById(record.id))?.emailCodeHash).toBe('d'.repeat(64));
    });
  });
}
