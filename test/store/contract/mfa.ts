// Contract for MfaStore: passkeys within a limit, the last factor kept on request, the TOTP replay
// guard, single-use backup codes and challenges, each atomic under a race.
import { randomUUID } from 'node:crypto';
import type { PasskeyRecord, TotpRecord } from '../../../src/store/ports.ts';
import { MINUTE, later, type ContractContext, type TestClock } from './fixtures.ts';

function newPasskey(clock: TestClock, accountId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: randomUUID().replaceAll('-', ''),
    accountId,
    publicKey: 'pQECAyYgASFYIA',
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    name: 'Laptop',
    createdAt: clock.now(),
    lastUsedAt: null,
    ...overrides,
  };
}

const newTotp = (clock: TestClock, accountId: string): TotpRecord => ({ accountId, sealedSecret: 'v1.iv.body.tag', createdAt: clock.now(), lastUsedAt: null, lastStep: null });

export function mfaContract({ store, clock }: ContractContext): void {
  describe('second factors', () => {
    test('passkeys: add, find, list oldest first, rename, record a use', async () => {
      const c = clock();
      const first = newPasskey(c, 'acct-1', { name: 'Phone' });
      expect(await store().mfa.addPasskey(first, 20)).toEqual({ ok: true, passkey: first });
      c.advance(MINUTE);
      const second = newPasskey(c, 'acct-1', { deviceType: 'singleDevice', backedUp: false, transports: ['usb'] });
      await store().mfa.addPasskey(second, 20);
      await store().mfa.addPasskey(newPasskey(c, 'acct-2'), 20);
      expect(await store().mfa.findPasskey(second.id)).toEqual(second);
      expect(await store().mfa.findPasskey('missing')).toBeNull();
      expect((await store().mfa.listPasskeys('acct-1')).map((p) => p.id)).toEqual([first.id, second.id]);
      expect(await store().mfa.renamePasskey('acct-1', first.id, 'Work phone')).toEqual({ ...first, name: 'Work phone' });
      // Another account's passkey is never theirs to rename.
      expect(await store().mfa.renamePasskey('acct-2', first.id, 'Mine')).toBeNull();
      const usedAt = c.advance(MINUTE);
      await store().mfa.recordPasskeyUse(second.id, 7, usedAt);
      expect(await store().mfa.findPasskey(second.id)).toEqual({ ...second, counter: 7, lastUsedAt: usedAt });
    });

    test('a credential ID is stored once, across accounts', async () => {
      const passkey = newPasskey(clock(), 'acct-1');
      await store().mfa.addPasskey(passkey, 20);
      expect(await store().mfa.addPasskey({ ...passkey, accountId: 'acct-2' }, 20)).toEqual({ ok: false, reason: 'duplicate' });
      expect(await store().mfa.listPasskeys('acct-2')).toEqual([]);
    });

    test('racing adds never pass the limit', async () => {
      for (let i = 0; i < 3; i++) await store().mfa.addPasskey(newPasskey(clock(), 'acct-1'), 5);
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => store().mfa.addPasskey(newPasskey(clock(), 'acct-1'), 5)));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
      expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.reason)).toEqual(['limit', 'limit', 'limit', 'limit']);
      expect(await store().mfa.listPasskeys('acct-1')).toHaveLength(5);
    });

    test('removing with keepOne refuses the last factor; without it, the last one goes', async () => {
      const c = clock();
      const [a, b] = [newPasskey(c, 'acct-1'), newPasskey(c, 'acct-1')];
      await store().mfa.addPasskey(a, 20);
      await store().mfa.addPasskey(b, 20);
      expect(await store().mfa.removePasskey('acct-2', a.id, { keepOne: true })).toBe('missing');
      expect(await store().mfa.removePasskey('acct-1', a.id, { keepOne: true })).toBe('removed');
      expect(await store().mfa.removePasskey('acct-1', b.id, { keepOne: true })).toBe('refused');
      // An authenticator app is a factor too: with one, the last passkey may go.
      expect(await store().mfa.setTotp(newTotp(c, 'acct-1'))).toBe(true);
      expect(await store().mfa.removeTotp('acct-1', { keepOne: true })).toBe('removed');
      expect(await store().mfa.setTotp(newTotp(c, 'acct-1'))).toBe(true);
      expect(await store().mfa.removePasskey('acct-1', b.id, { keepOne: true })).toBe('removed');
      expect(await store().mfa.removeTotp('acct-1', { keepOne: true })).toBe('refused');
      expect(await store().mfa.removeTotp('acct-1', { keepOne: false })).toBe('removed');
      expect(await store().mfa.removeTotp('acct-1', { keepOne: false })).toBe('missing');
      expect(await store().mfa.findTotp('acct-1')).toBeNull();
    });

    test('with keepPasskey the last passkey stays even beside an authenticator app; the others go', async () => {
      const c = clock();
      const [a, b] = [newPasskey(c, 'acct-1'), newPasskey(c, 'acct-1')];
      await store().mfa.addPasskey(a, 20);
      await store().mfa.addPasskey(b, 20);
      expect(await store().mfa.setTotp(newTotp(c, 'acct-1'))).toBe(true);
      expect(await store().mfa.removePasskey('acct-1', a.id, { keepOne: false, keepPasskey: true })).toBe('removed');
      expect(await store().mfa.removePasskey('acct-1', b.id, { keepOne: false, keepPasskey: true })).toBe('refused');
      expect((await store().mfa.listPasskeys('acct-1')).map((p) => p.id)).toEqual([b.id]);
      expect(await store().mfa.removePasskey('acct-1', b.id, { keepOne: true })).toBe('removed');
    });

    test('two racing removals with keepOne leave one factor', async () => {
      const c = clock();
      const passkeys = [newPasskey(c, 'acct-1'), newPasskey(c, 'acct-1')];
      for (const passkey of passkeys) await store().mfa.addPasskey(passkey, 20);
      const outcomes = await Promise.all(passkeys.map((p) => store().mfa.removePasskey('acct-1', p.id, { keepOne: true })));
      expect(outcomes.sort()).toEqual(['refused', 'removed']);
      expect(await store().mfa.listPasskeys('acct-1')).toHaveLength(1);
    });

    test('an authenticator app is stored once; the replay guard takes each step once, and only forward', async () => {
      const c = clock();
      const totp = newTotp(c, 'acct-1');
      expect(await store().mfa.setTotp(totp)).toBe(true);
      expect(await store().mfa.setTotp({ ...totp, sealedSecret: 'another' })).toBe(false);
      expect(await store().mfa.findTotp('acct-1')).toEqual(totp);
      const at = c.advance(MINUTE);
      const claims = await Promise.all(Array.from({ length: 8 }, () => store().mfa.claimTotpStep('acct-1', 1000, at)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store().mfa.claimTotpStep('acct-1', 999, at)).toBe(false);
      expect(await store().mfa.claimTotpStep('acct-1', 1001, at, 'resealed')).toBe(true);
      expect(await store().mfa.findTotp('acct-1')).toEqual({ ...totp, lastStep: 1001, lastUsedAt: at, sealedSecret: 'resealed' });
      expect(await store().mfa.claimTotpStep('acct-2', 5, at)).toBe(false);
    });

    test('backup codes: replaced as a set, each used once, counted while unused', async () => {
      const c = clock();
      await store().mfa.replaceBackupCodes('acct-1', ['h1', 'h2', 'h3'], c.now());
      expect(await store().mfa.countBackupCodes('acct-1')).toBe(3);
      const uses = await Promise.all(Array.from({ length: 5 }, () => store().mfa.useBackupCode('acct-1', 'h2', c.now())));
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await store().mfa.useBackupCode('acct-2', 'h1', c.now())).toBe(false);
      expect(await store().mfa.countBackupCodes('acct-1')).toBe(2);
      await store().mfa.replaceBackupCodes('acct-1', ['h4', 'h5'], c.now());
      expect(await store().mfa.useBackupCode('acct-1', 'h1', c.now())).toBe(false);
      expect(await store().mfa.countBackupCodes('acct-1')).toBe(2);
    });

    test('removeAll drops every factor and code of one account only', async () => {
      const c = clock();
      await store().mfa.addPasskey(newPasskey(c, 'acct-1'), 20);
      await store().mfa.addPasskey(newPasskey(c, 'acct-1'), 20);
      const other = newPasskey(c, 'acct-2');
      await store().mfa.addPasskey(other, 20);
      await store().mfa.setTotp(newTotp(c, 'acct-1'));
      await store().mfa.replaceBackupCodes('acct-1', ['h1', 'h2'], c.now());
      expect(await store().mfa.removeAll('acct-1')).toEqual({ passkeys: 2, totp: true, backupCodes: 2 });
      expect(await store().mfa.listPasskeys('acct-1')).toEqual([]);
      expect(await store().mfa.findTotp('acct-1')).toBeNull();
      expect(await store().mfa.countBackupCodes('acct-1')).toBe(0);
      expect(await store().mfa.listPasskeys('acct-2')).toEqual([other]);
      expect(await store().mfa.removeAll('acct-1')).toEqual({ passkeys: 0, totp: false, backupCodes: 0 });
    });

    test('a challenge is taken once, and never after it expired', async () => {
      const c = clock();
      const challenge = { id: randomUUID(), challenge: 'abc', purpose: 'signup' as const, accountId: 'acct-1', interactionUid: 'uid-1', data: '{"email":"a@example.test"}', expiresAt: later(c, 5 * MINUTE) };
      await store().mfa.createChallenge(challenge);
      const takes = await Promise.all(Array.from({ length: 5 }, () => store().mfa.takeChallenge(challenge.id, c.now())));
      expect(takes.filter(Boolean)).toEqual([challenge]);
      const expiring = { ...challenge, id: randomUUID(), accountId: null, interactionUid: null, data: null, purpose: 'authenticate' as const };
      await store().mfa.createChallenge(expiring);
      c.advance(5 * MINUTE);
      expect(await store().mfa.takeChallenge(expiring.id, c.now())).toBeNull();
      expect(await store().mfa.takeChallenge('missing', c.now())).toBeNull();
    });
  });
}
