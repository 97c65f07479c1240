// Contract for ConsoleSessionStore: create and find, the conditional touch (idle and absolute
// ends), and ending one session or all of an account's.
import { MINUTE, later, type ContractContext } from './fixtures.ts';
import type { ConsoleSessionRecord } from '../../../src/store/ports.ts';

const IDLE = 15 * MINUTE;

export function consoleSessionContract({ store, clock }: ContractContext): void {
  describe('console sessions', () => {
    const session = (overrides: Partial<ConsoleSessionRecord> = {}): ConsoleSessionRecord => ({
      id: `s-${Math.random().toString(36).slice(2)}`,
      secretHash: 'a'.repeat(64),
      accountId: 'acc-1',
      createdAt: clock().now(),
      lastSeenAt: clock().now(),
      expiresAt: later(clock(), 8 * 60 * MINUTE),
      ...overrides,
    });

    test('create then find gives the record back; an unknown id is null', async () => {
      const record = session();
      await store().consoleSessions.create(record);
      expect(await store().consoleSessions.find(record.id)).toEqual(record);
      expect(await store().consoleSessions.find('missing')).toBeNull();
    });

    test('touch moves lastSeenAt while the session is alive, and never revives an idle one', async () => {
      const c = clock();
      const record = session();
      await store().consoleSessions.create(record);
      c.advance(IDLE - MINUTE);
      expect(await store().consoleSessions.touch(record.id, c.now(), IDLE)).toBe(true);
      expect((await store().consoleSessions.find(record.id))?.lastSeenAt).toEqual(c.now());
      expect(await store().consoleSessions.touch(record.id, c.now(), IDLE)).toBe(true);
      c.advance(IDLE);
      expect(await store().consoleSessions.touch(record.id, c.now(), IDLE)).toBe(false);
      c.advance(-IDLE + MINUTE);
      expect(await store().consoleSessions.touch('missing', c.now(), IDLE)).toBe(false);
    });

    test('touch refuses a session past its absolute end, however active', async () => {
      const c = clock();
      const record = session({ expiresAt: later(c, 20 * MINUTE) });
      await store().consoleSessions.create(record);
      c.advance(10 * MINUTE);
      expect(await store().consoleSessions.touch(record.id, c.now(), IDLE)).toBe(true);
      c.advance(10 * MINUTE);
      expect(await store().consoleSessions.touch(record.id, c.now(), IDLE)).toBe(false);
    });

    test('delete ends one session; deleteByAccountId ends all of an account', async () => {
      const one = session();
      const two = session();
      const other = session({ accountId: 'acc-2' });
      for (const record of [one, two, other]) await store().consoleSessions.create(record);
      await store().consoleSessions.delete(one.id);
      expect(await store().consoleSessions.find(one.id)).toBeNull();
      expect(await store().consoleSessions.deleteByAccountId('acc-1')).toBe(1);
      expect(await store().consoleSessions.find(two.id)).toBeNull();
      expect(await store().consoleSessions.find(other.id)).toEqual(other);
    });
  });
}
