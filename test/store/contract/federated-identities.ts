// Contract for FederatedIdentityStore: one account per (issuer, subject), races included; the last link kept on request.
import { randomUUID } from 'node:crypto';
import type { FederatedIdentityRecord } from '../../../src/store/ports.ts';
import { MINUTE, later, newAccount, type ContractContext, type TestClock } from './fixtures.ts';

function newLink(clock: TestClock, overrides: Partial<FederatedIdentityRecord> = {}): FederatedIdentityRecord {
  return { id: randomUUID(), accountId: randomUUID(), providerId: 'upstream', issuer: 'https://upstream.example', subject: randomUUID(), email: 'a@example.test', createdAt: clock.now(), ...overrides };
}

export function federatedIdentityContract({ store, clock }: ContractContext): void {
  describe('federated identities', () => {
    test('a link is found by (issuer, subject) only, and listed under its account oldest first', async () => {
      const first = newLink(clock(), { subject: 'sub-1' });
      expect(await store().federatedIdentities.link(first)).toEqual(first);
      const second = newLink(clock(), { accountId: first.accountId, issuer: 'https://other.example', subject: 'sub-1', createdAt: later(clock(), MINUTE), email: null });
      expect(await store().federatedIdentities.link(second)).toEqual(second);
      expect(await store().federatedIdentities.findBySubject('https://upstream.example', 'sub-1')).toEqual(first);
      expect(await store().federatedIdentities.findBySubject('https://upstream.example', 'SUB-1')).toBeNull();
      expect(await store().federatedIdentities.findBySubject('https://upstream.example', 'sub-2')).toBeNull();
      expect(await store().federatedIdentities.listByAccount(first.accountId)).toEqual([first, second]);
      expect(await store().federatedIdentities.listByAccount('someone-else')).toEqual([]);
    });

    test('an (issuer, subject) already linked is refused, even to another account, and even in a race', async () => {
      const taken = newLink(clock(), { subject: 'shared' });
      expect(await store().federatedIdentities.link(taken)).not.toBeNull();
      expect(await store().federatedIdentities.link(newLink(clock(), { subject: 'shared' }))).toBeNull();
      const racers = Array.from({ length: 10 }, () => newLink(clock(), { subject: 'raced' }));
      const results = await Promise.all(racers.map((link) => store().federatedIdentities.link(link)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await store().federatedIdentities.findBySubject('https://upstream.example', 'raced'))?.id).toBe(results.find((r) => r !== null)!.id);
    });

    test('unlink removes only the account\'s own link; keepOne refuses the last one', async () => {
      const accountId = randomUUID();
      const a = newLink(clock(), { accountId });
      const b = newLink(clock(), { accountId, createdAt: later(clock(), MINUTE) });
      await store().federatedIdentities.link(a);
      await store().federatedIdentities.link(b);
      expect(await store().federatedIdentities.unlink('another-account', a.id, { keepOne: false })).toBe('not_found');
      expect(await store().federatedIdentities.unlink(accountId, 'no-such-link', { keepOne: false })).toBe('not_found');
      expect(await store().federatedIdentities.unlink(accountId, a.id, { keepOne: true })).toBe('removed');
      expect(await store().federatedIdentities.unlink(accountId, b.id, { keepOne: true })).toBe('last');
      expect(await store().federatedIdentities.listByAccount(accountId)).toEqual([b]);
      expect(await store().federatedIdentities.unlink(accountId, b.id, { keepOne: false })).toBe('removed');
      expect(await store().federatedIdentities.findBySubject(b.issuer, b.subject)).toBeNull();
    });

    test('racing keepOne unlinks of the last two links never leave the account without one', async () => {
      const accountId = randomUUID();
      const links = [newLink(clock(), { accountId }), newLink(clock(), { accountId })];
      for (const link of links) await store().federatedIdentities.link(link);
      const outcomes = await Promise.all(links.map((link) => store().federatedIdentities.unlink(accountId, link.id, { keepOne: true })));
      expect(outcomes.filter((o) => o === 'removed').length).toBeLessThanOrEqual(1);
      expect((await store().federatedIdentities.listByAccount(accountId)).length).toBeGreaterThanOrEqual(1);
    });

    test('an account that signs in only upstream has no password: a null hash is stored and read back as null', async () => {
      const account = await store().accounts.create(newAccount(clock(), { passwordHash: null }));
      expect(account.passwordHash).toBeNull();
      expect((await store().accounts.findById(account.id))!.passwordHash).toBeNull();
      const withPassword = await store().accounts.update(account.id, { passwordHash: 'argon2id-hash' });
      expect(withPassword!.passwordHash).toBe('argon2id-hash');
      expect((await store().accounts.update(account.id, { passwordHash: null }))!.passwordHash).toBeNull();
    });

    test('deleteByAccount removes every link of that account and no other', async () => {
      const accountId = randomUUID();
      await store().federatedIdentities.link(newLink(clock(), { accountId }));
      await store().federatedIdentities.link(newLink(clock(), { accountId }));
      const other = newLink(clock());
      await store().federatedIdentities.link(other);
      expect(await store().federatedIdentities.deleteByAccount(accountId)).toBe(2);
      expect(await store().federatedIdentities.listByAccount(accountId)).toEqual([]);
      expect(await store().federatedIdentities.listByAccount(other.accountId)).toEqual([other]);
    });
  });
}
