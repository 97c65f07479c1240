// Contract for OidcPayloadStore: what oidc-provider's Adapter needs, including expiry and bulk revocation.
import { MINUTE, later, type ContractContext } from './fixtures.ts';

export function oidcPayloadContract({ store, clock }: ContractContext): void {
  describe('oidc payloads', () => {
    test('upsert then find; a second upsert replaces the payload', async () => {
      const payload = { jti: 'sess-1', kind: 'Session', accountId: 'acc-1', loginTs: 1700000000, 'urn:claim': { 'x.y': [1, 2] } };
      await store().oidc.upsert('Session', 'sess-1', payload, later(clock(), MINUTE));
      expect(await store().oidc.find('Session', 'sess-1')).toEqual(payload);
      expect(await store().oidc.find('Grant', 'sess-1')).toBeUndefined();
      expect(await store().oidc.find('Session', 'missing')).toBeUndefined();
      await store().oidc.upsert('Session', 'sess-1', { ...payload, loginTs: 1700000100 }, later(clock(), MINUTE));
      expect(await store().oidc.find('Session', 'sess-1')).toEqual({ ...payload, loginTs: 1700000100 });
    });

    test('findByUid and findByUserCode look up within the model', async () => {
      await store().oidc.upsert('Session', 's1', { uid: 'uid-1', accountId: 'acc-1' }, null);
      await store().oidc.upsert('DeviceCode', 'd1', { userCode: 'ABCD-EFGH', grantId: 'g1' }, later(clock(), MINUTE));
      expect(await store().oidc.findByUid('Session', 'uid-1')).toEqual({ uid: 'uid-1', accountId: 'acc-1' });
      expect(await store().oidc.findByUid('Session', 'uid-2')).toBeUndefined();
      expect(await store().oidc.findByUid('Interaction', 'uid-1')).toBeUndefined();
      expect(await store().oidc.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH', grantId: 'g1' });
      expect(await store().oidc.findByUserCode('DeviceCode', 'ZZZZ-ZZZZ')).toBeUndefined();
    });

    test('consume marks the payload consumed, in seconds', async () => {
      await store().oidc.upsert('AuthorizationCode', 'code-1', { grantId: 'g1' }, later(clock(), MINUTE));
      expect((await store().oidc.find('AuthorizationCode', 'code-1'))?.consumed).toBeUndefined();
      const at = new Date(clock().now().getTime() + 1500);
      expect(await store().oidc.consume('AuthorizationCode', 'code-1', at)).toBe(true);
      expect(await store().oidc.find('AuthorizationCode', 'code-1')).toEqual({ grantId: 'g1', consumed: Math.floor(at.getTime() / 1000) });
    });

    test('consume is conditional: one of two racing consumers wins, a consumed or missing payload stays as it was', async () => {
      await store().oidc.upsert('RefreshToken', 'rt-1', { grantId: 'g1' }, later(clock(), MINUTE));
      const first = new Date(clock().now().getTime() + 1000);
      const results = await Promise.all([store().oidc.consume('RefreshToken', 'rt-1', first), store().oidc.consume('RefreshToken', 'rt-1', first)]);
      expect(results.sort()).toEqual([false, true]);
      expect(await store().oidc.consume('RefreshToken', 'rt-1', new Date(first.getTime() + 5000))).toBe(false);
      expect((await store().oidc.find('RefreshToken', 'rt-1'))?.consumed).toBe(Math.floor(first.getTime() / 1000));
      expect(await store().oidc.consume('RefreshToken', 'missing', first)).toBe(false);
      expect(await store().oidc.find('RefreshToken', 'missing')).toBeUndefined();
    });

    test('expired payloads are never returned; payloads without expiry stay', async () => {
      const c = clock();
      await store().oidc.upsert('Interaction', 'i1', { uid: 'u1' }, later(c, MINUTE));
      await store().oidc.upsert('Client', 'c1', { client_id: 'c1' }, null);
      c.advance(MINUTE - 1);
      expect(await store().oidc.find('Interaction', 'i1')).toEqual({ uid: 'u1' });
      c.advance(1);
      expect(await store().oidc.find('Interaction', 'i1')).toBeUndefined();
      expect(await store().oidc.findByUid('Interaction', 'u1')).toBeUndefined();
      expect(await store().oidc.find('Client', 'c1')).toEqual({ client_id: 'c1' });
    });

    test('destroy removes one payload', async () => {
      await store().oidc.upsert('AccessToken', 't1', { grantId: 'g1' }, null);
      await store().oidc.upsert('AccessToken', 't2', { grantId: 'g1' }, null);
      await store().oidc.destroy('AccessToken', 't1');
      expect(await store().oidc.find('AccessToken', 't1')).toBeUndefined();
      expect(await store().oidc.find('AccessToken', 't2')).toBeDefined();
    });

    test('revokeByGrantId removes the records of one model and grant only', async () => {
      await store().oidc.upsert('AccessToken', 't1', { grantId: 'g1' }, null);
      await store().oidc.upsert('RefreshToken', 'r1', { grantId: 'g1' }, null);
      await store().oidc.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, null);
      await store().oidc.upsert('Interaction', 'i1', { grantId: 'g1' }, null);
      await store().oidc.upsert('AccessToken', 't2', { grantId: 'g2' }, null);
      for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode']) await store().oidc.revokeByGrantId(model, 'g1');
      expect(await store().oidc.find('AccessToken', 't1')).toBeUndefined();
      expect(await store().oidc.find('RefreshToken', 'r1')).toBeUndefined();
      expect(await store().oidc.find('AuthorizationCode', 'c1')).toBeUndefined();
      // An interaction in progress that names the grant survives its tokens' revocation.
      expect(await store().oidc.find('Interaction', 'i1')).toEqual({ grantId: 'g1' });
      expect(await store().oidc.find('AccessToken', 't2')).toEqual({ grantId: 'g2' });
    });

    test('destroyByAccountId removes the sessions, grants and tokens of one account', async () => {
      await store().oidc.upsert('Session', 's1', { accountId: 'acc-1' }, null);
      await store().oidc.upsert('Grant', 'g1', { accountId: 'acc-1' }, null);
      await store().oidc.upsert('AccessToken', 't1', { accountId: 'acc-1', grantId: 'g1' }, null);
      await store().oidc.upsert('Session', 's2', { accountId: 'acc-2' }, null);
      await store().oidc.destroyByAccountId('acc-1');
      for (const [model, id] of [['Session', 's1'], ['Grant', 'g1'], ['AccessToken', 't1']] as const) {
        expect(await store().oidc.find(model, id)).toBeUndefined();
      }
      expect(await store().oidc.find('Session', 's2')).toEqual({ accountId: 'acc-2' });
    });
  });
}
