// Contract for VerificationStore: pending sign-ups, attempt counting, single consumption, resends.
import { randomUUID } from 'node:crypto';
import type { VerificationRecord } from '../../../src/store/ports.ts';
import { MINUTE, later, type ContractContext, type TestClock } from './fixtures.ts';

function newVerification(clock: TestClock): VerificationRecord {
  return {
    id: randomUUID(),
    registration: { email: 'ada@example.test', passwordHash: '$argon2id$...', inviteId: 'inv-1', roles: ['beta'] },
    emailCodeHash: 'a'.repeat(64),
    phoneCodeHash: null,
    attempts: 0,
    sends: 1,
    lastSentAt: clock.now,
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
      const results = await Promise.all(Array.from({ length: 10 }, () => store().verifications.consume(record.id, clock().now)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store().verifications.findById(record.id))?.consumedAt).toEqual(clock().now);
      expect(await store().verifications.consume(record.id, later(clock(), MINUTE))).toBe(false);
      expect(await store().verifications.consume('missing', clock().now)).toBe(false);
    });

    test('replaceCodes swaps the hashes, counts the send and restarts expiry, keeping the wrong-code count', async () => {
      const record = await store().verifications.create(newVerification(clock()));
      await store().verifications.addAttempt(record.id);
      const now = clock().advance(2 * MINUTE);
      const expiresAt = later(clock(), 15 * MINUTE);
      await store().verifications.replaceCodes(record.id, { emailCodeHash: 'b'.repeat(64), phoneCodeHash: 'c'.repeat(64) }, now, expiresAt);
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
  });
}
