// The one contract every Store implementation passes: each port's behaviour, races included.
import type { Store } from '../../src/store/ports.ts';
import { createTestClock, type TestClock } from './contract/fixtures.ts';
import { inviteContract } from './contract/invites.ts';
import { accountContract } from './contract/accounts.ts';
import { auditContract } from './contract/audit.ts';
import { rateLimitContract } from './contract/rate-limits.ts';
import { jobContract } from './contract/jobs.ts';
import { verificationContract } from './contract/verifications.ts';
import { waitlistContract } from './contract/waitlist.ts';
import { oidcPayloadContract } from './contract/oidc-payloads.ts';
import { lifecycleContract, settingsContract } from './contract/settings.ts';
import { federatedIdentityContract } from './contract/federated-identities.ts';
import { consoleQueryContract } from './contract/console-queries.ts';
import { consoleSessionContract } from './contract/console-sessions.ts';
import { accountCodeContract } from './contract/account-codes.ts';
import { mfaContract } from './contract/mfa.ts';

/**
 * Builds a fresh, empty store for one test. `clock` is the time the store itself reads where a
 * port has no `now` argument (oidc payload expiry); the suite moves it by hand.
 */
export type StoreFactory = (clock: () => Date) => Promise<Store>;

export function describeStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    let current: Store | undefined;
    let clock: TestClock | undefined;

    beforeEach(async () => {
      const fresh = createTestClock();
      clock = fresh;
      current = await makeStore(() => fresh.now());
    });

    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    const context = {
      store: () => current ?? fail('no store: the factory failed'),
      clock: () => clock ?? fail('no clock'),
    };

    inviteContract(context);
    accountContract(context);
    auditContract(context);
    rateLimitContract(context);
    jobContract(context);
    verificationContract(context);
    waitlistContract(context);
    oidcPayloadContract(context);
    settingsContract(context);
    federatedIdentityContract(context);
    consoleQueryContract(context);
    consoleSessionContract(context);
    accountCodeContract(context);
    mfaContract(context);
    lifecycleContract(context);
  });
}

function fail(message: string): never {
  throw new Error(message);
}
