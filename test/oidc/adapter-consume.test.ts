// Two nodes redeeming one authorization code (or rotating one refresh token) at the same instant:
// both read it unconsumed, and the store's conditional consume lets exactly one through.
import { errors } from 'oidc-provider';
import { createAdapterClass } from '../../src/oidc/adapter.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';

test('the second consume of a payload fails with invalid_grant, not a server error', async () => {
  const store = createEmbeddedStore();
  try {
    const Adapter = createAdapterClass(store.oidc, () => new Date());
    // Two nodes: each has its own adapter over the one shared store.
    const nodeA = new Adapter('AuthorizationCode');
    const nodeB = new Adapter('AuthorizationCode');
    await nodeA.upsert('code-1', { jti: 'code-1', grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect((await nodeA.find('code-1'))?.consumed).toBeUndefined();
    expect((await nodeB.find('code-1'))?.consumed).toBeUndefined();

    const outcomes = await Promise.allSettled([nodeA.consume('code-1'), nodeB.consume('code-1')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [lost] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost!.reason).toBeInstanceOf(errors.InvalidGrant);
    expect(lost!.reason).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await nodeA.find('code-1'))?.consumed).toEqual(expect.any(Number));
  } finally {
    await store.close();
  }
});
