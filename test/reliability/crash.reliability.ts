// Crash consistency: SIGKILL the real process while 30 registrations are in flight, restart on
// the same data dir. Every account that exists is whole (it signs in, its invite counts it) and
// every invite's uses equals the accounts and redemptions linked to it.
import { createHash, randomBytes } from 'node:crypto';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { FormClient } from '../support/browser-form.ts';
import { childAdminToken, startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';
import { demoAuthorizeUrl } from '../support/browser-app.ts';

const PASSWORD = 'crash consistency password';
let gl: ChildGuestlist | undefined;
afterAll(async () => {
  gl?.child.kill('SIGKILL');
});

test('SIGKILL with 30 registrations in flight leaves only whole accounts and exact invite counts', async () => {
  gl = await startChildGuestlist({ env: { RATE_LIMIT_REGISTRATIONS: '100000' } });
  const dataDir = gl.dataDir;
  const admin = await childAdminToken(gl.url);
  // 20 single-use invites bound to an email, and 2 open invites with 5 uses each (shared, so contended).
  const invites: { token: string; email: string | null }[] = [];
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${gl.url}/admin/invites`, { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: `crash${i}@example.com` }) });
    invites.push({ token: ((await response.json()) as { token: string }).token, email: `crash${i}@example.com` });
  }
  for (let i = 0; i < 2; i++) {
    const response = await fetch(`${gl.url}/admin/invites`, { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ max_uses: 5 }) });
    invites.push({ token: ((await response.json()) as { token: string }).token, email: null });
  }
  const attempts = Array.from({ length: 30 }, (_, i) => (i < 20 ? { email: invites[i]!.email!, token: invites[i]!.token } : { email: `open${i}@example.com`, token: invites[20 + (i % 2)]!.token }));
  const inFlight = attempts.map((attempt) =>
    fetch(`${gl!.url}/api/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: attempt.email, password: PASSWORD, invite_token: attempt.token }) })
      .then((response) => response.status)
      .catch(() => 'cut'),
  );
  // Kill once the first registration is acknowledged: the rest are somewhere in the middle.
  await Promise.any(inFlight.map((outcome) => outcome.then((status) => (status === 201 ? status : Promise.reject(new Error(String(status))))))).catch(() => undefined);
  gl.child.kill('SIGKILL');
  const outcomes = await Promise.all(inFlight);
  await gl.exited;
  const acknowledged = attempts.filter((_, i) => outcomes[i] === 201).map((a) => a.email);
  expect(acknowledged.length).toBeGreaterThan(0);

  gl = await startChildGuestlist({ dataDir, env: { RATE_LIMIT_LOGIN_FAILURES: '1000', RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: '100000' } });
  const store = createEmbeddedStore({ dataDir });
  try {
    const accounts = (await store.accounts.list({}, { limit: 1000 })).items;
    const invitesNow = (await store.invites.list({}, { limit: 1000 }, new Date())).items;
    // Nothing acknowledged is lost.
    for (const email of acknowledged) expect(accounts.map((a) => a.email)).toContain(email);
    for (const invite of invitesNow) {
      const linked = accounts.filter((a) => a.inviteId === invite.id).length;
      const redemptions = (await store.invites.listRedemptions(invite.id)).length;
      expect({ id: invite.id, uses: invite.uses }).toEqual({ id: invite.id, uses: linked });
      expect(redemptions).toBe(linked);
    }
    // Every account that exists is whole: it has its invite and it signs in through the form.
    for (const account of accounts) {
      expect(account.inviteId).not.toBeNull();
      const browser = new FormClient();
      const url = demoAuthorizeUrl(gl.url, createHash('sha256').update(randomBytes(16)).digest('base64url'));
      const page = await browser.get(url);
      const after = await browser.submit(page, '/login', { email: account.email, password: PASSWORD }, (location) => location.startsWith('http://localhost:5173/'));
      // Signed in: the app's callback, or the consent screen that only a signed-in person sees.
      expect(after.url.startsWith('http://localhost:5173/') || after.html.includes('/consent')).toBe(true);
    }
  } finally {
    await store.close();
    await gl.stop();
  }
});
