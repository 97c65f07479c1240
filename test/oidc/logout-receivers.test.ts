// The record of which back-channel apps an account is signed in to: built from saved sessions,
// safe against two sessions saved at once, pruned as sessions expire, gone with the account.
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { createLogoutReceivers } from '../../src/oidc/logout-receivers.ts';
import { createTestClock, DAY } from '../support/test-clock.ts';

const HOUR = 3600;
const clients = [
  { client_id: 'news', backchannel_logout_uri: 'https://news.example.com/bcl' },
  { client_id: 'shop', backchannel_logout_uri: 'https://shop.example.com/bcl' },
  { client_id: 'plain' },
];

function setup() {
  const clock = createTestClock();
  const store = createEmbeddedStore({ clock: clock.now });
  const receivers = createLogoutReceivers({ store: store.oidc, clock: clock.now, clients });
  const session = (accountId: string, authorizations: Record<string, { sid: string }>) => ({ accountId, authorizations, jti: `s-${Math.random()}` });
  return { clock, store, receivers, session };
}

test('only apps with a backchannel_logout_uri are recorded, each with its sid', async () => {
  const { store, receivers, session } = setup();
  await receivers.recordSession(session('ada', { news: { sid: 'n1' }, plain: { sid: 'p1' } }), 14 * 24 * HOUR);
  expect((await receivers.list('ada')).map(({ clientId, sid }) => [clientId, sid])).toEqual([['news', 'n1']]);
  // Saving the same session again adds nothing.
  await receivers.recordSession(session('ada', { news: { sid: 'n1' } }), 14 * 24 * HOUR);
  expect(await receivers.list('ada')).toHaveLength(1);
  await store.close();
});

test('two sessions of one account saved at the same moment are both kept', async () => {
  const { store, receivers, session } = setup();
  await Promise.all([
    receivers.recordSession(session('ada', { news: { sid: 'laptop' } }), 14 * 24 * HOUR),
    receivers.recordSession(session('ada', { news: { sid: 'phone' }, shop: { sid: 'phone-shop' } }), 14 * 24 * HOUR),
  ]);
  expect((await receivers.list('ada')).map(({ sid }) => sid).sort()).toEqual(['laptop', 'phone', 'phone-shop']);
  await store.close();
});

test('entries of expired sessions are dropped, and the record goes with the account', async () => {
  const { clock, store, receivers, session } = setup();
  await receivers.recordSession(session('ada', { news: { sid: 'short' } }), HOUR);
  await receivers.recordSession(session('ada', { shop: { sid: 'long' } }), 14 * 24 * HOUR);
  clock.advance(2 * HOUR * 1000);
  expect((await receivers.list('ada')).map(({ sid }) => sid)).toEqual(['long']);
  await receivers.recordSession(session('bob', { news: { sid: 'bob' } }), HOUR);
  await store.oidc.destroyByAccountId('ada');
  expect(await receivers.list('ada')).toEqual([]);
  expect(await receivers.list('bob')).toHaveLength(1);
  clock.advance(DAY);
  expect(await receivers.list('bob')).toEqual([]);
  await store.close();
});
