// The embedded store survives a restart: accounts, invites and signing keys carry over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { createInvite, getJson, postJson, startGuestlist } from '../support/start-guestlist.ts';

test('a restart keeps every account and invite, and the admin credentials', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-restart-'));
  try {
    const first = await startGuestlist({ dataDir, store: createEmbeddedStore({ dataDir }) });
    const used = await createInvite(first, {});
    const pending = await createInvite(first, { email: 'later@example.com' });
    const created = await postJson(`${first.url}/api/register`, { email: 'kept@example.com', password: 'kept password 1', invite_token: used.token });
    expect(created.status).toBe(201);
    const secret = first.adminClientSecret;
    await first.stop();

    const second = await startGuestlist({ dataDir, store: createEmbeddedStore({ dataDir }) });
    try {
      expect(second.adminClientSecret).toBe(secret);
      expect((await second.store.accounts.findByEmail('kept@example.com'))!.id).toBe(created.body.sub);
      expect((await second.store.invites.findById(used.id))!.uses).toBe(1);
      expect((await getJson(`${second.url}/api/invites/${pending.token}`)).body).toMatchObject({ valid: true, email: 'later@example.com' });
      const signedUp = await postJson(`${second.url}/api/register`, { email: 'later@example.com', password: 'later password 1', invite_token: pending.token });
      expect(signedUp.status).toBe(201);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
