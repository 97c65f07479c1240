// The federation service without HTTP: a fake upstream client (the identity is given), the embedded
// store with account creation held open, so the window between a sign-up's link and its account
// can be entered on purpose.
import { createServices } from '../../src/services.ts';
import { createFederationService } from '../../src/federation/federation-service.ts';
import type { UpstreamClients, UpstreamIdentity } from '../../src/federation/upstream-client.ts';
import { createAdmissionGate } from '../../src/signup/admission.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { loadConfig } from '../../src/config.ts';
import type { Secrets } from '../../src/secrets/secrets.ts';
import type { AccountStore, Store } from '../../src/store/ports.ts';
import { NO_REQUEST } from '../../src/audit/request-meta.ts';
import { createTestClock, MINUTE } from '../support/test-clock.ts';

const identity: UpstreamIdentity = { issuer: 'https://up.example', subject: 'zed', email: 'zed@example.com', emailVerified: true, domainAllowed: true };
const pending = { state: 's', nonce: 'n', codeVerifier: 'v' };
const callback = new URL('https://id.example/federation/up/callback?code=c&state=s');

function setUp() {
  const clock = createTestClock();
  const inner = createEmbeddedStore({ clock: clock.now });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const creating = new Promise<void>((resolve) => (entered = resolve));
  // Account creation waits until released; every other method is the real one.
  const accounts: AccountStore = Object.assign(Object.create(inner.accounts) as AccountStore, {
    async create(account: Parameters<AccountStore['create']>[0]) {
      entered();
      await held;
      return inner.accounts.create(account);
    },
  });
  const store: Store = { ...inner, accounts };
  const config = loadConfig({ env: { GUESTLIST_CONFIG: '/c.json' }, readFile: () => JSON.stringify({ upstream_providers: [{ id: 'up', name: 'Up', issuer: identity.issuer, client_id: 'c', client_secret: 's', signup: 'open' }] }) });
  const services = createServices({ config, store, secrets: { cookieKeys: ['k'.repeat(32)] } as Secrets, logger: createLogger({ level: 'silent' }), clock: clock.now, apps: [] });
  const clients = { authorizationUrl: async () => ({ url: 'https://up.example/auth', pending }), complete: async () => identity } as unknown as UpstreamClients;
  const gate = createAdmissionGate({ config, audit: services.audit, invites: services.invites, accounts: services.memberAccounts, limiter: services.limiter });
  const federation = createFederationService({ providers: config.upstream_providers, clients, store, clock: clock.now, audit: services.audit, gate, signUp: services.signUp });
  return { clock, inner, federation, release, creating };
}

test('a sign-in that meets a sign-up of the same upstream account mid-way is told to retry, and leaves its link alone', async () => {
  const { inner, federation, release, creating } = setUp();
  const first = federation.signIn('up', callback, pending, {}, NO_REQUEST);
  await creating;
  const link = await inner.federatedIdentities.findBySubject(identity.issuer, identity.subject);
  expect(link).not.toBeNull();
  await expect(federation.signIn('up', callback, pending, {}, NO_REQUEST)).rejects.toMatchObject({ code: 'conflict', status: 409, message: 'This account is being created right now. Try again in a moment.' });
  expect(await inner.federatedIdentities.findBySubject(identity.issuer, identity.subject)).toEqual(link);
  release();
  const account = await first;
  expect(account.id).toBe(link!.accountId);
  expect((await federation.signIn('up', callback, pending, {}, NO_REQUEST)).id).toBe(account.id);
  await inner.close();
});

test('a link older than the grace whose account is gone is stale: dropped, and the person joins anew', async () => {
  const { clock, inner, federation, release } = setUp();
  release();
  await inner.federatedIdentities.link({ id: 'old', accountId: 'gone', providerId: 'up', issuer: identity.issuer, subject: identity.subject, email: null, createdAt: clock.now() });
  clock.advance(2 * MINUTE);
  const account = await federation.signIn('up', callback, pending, {}, NO_REQUEST);
  expect(account.id).not.toBe('gone');
  expect(await inner.federatedIdentities.findBySubject(identity.issuer, identity.subject)).toMatchObject({ accountId: account.id });
  await inner.close();
});
