// An invitation token is never stored in clear, not even in the provider's own records: the
// Interaction that oidc-provider keeps for an authorization request carrying invite_token holds it
// sealed. The whole store is searched for the plaintext token while the sign-up page is open and
// after the sign-up, for the invitation link and for an app's prompt=create request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FormClient } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, isCallback, passConsent, startAuthorization, writeClientsFile } from '../support/relying-party.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { createTestClock } from '../support/test-clock.ts';

let gl: RunningGuestlist;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'guestlist-at-rest-'));
  const clock = createTestClock();
  gl = await startGuestlist({ clock, dataDir, store: createEmbeddedStore({ dataDir, clock: clock.now }), env: { CLIENTS_FILE: writeClientsFile() } });
});
afterAll(() => gl.stop());

/** Every value of every row of every table, as text (blobs decoded as UTF-8 too). */
function wholeStore(): string {
  const db = new DatabaseSync(join(dataDir, 'guestlist.db'), { readOnly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    expect(tables.map((table) => table.name)).toContain('oidc_payloads');
    return tables
      .map(({ name }) =>
        (db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>)
          .map((row) => Object.values(row).map((value) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value))).join('\u0000'))
          .join('\n'),
      )
      .join('\n');
  } finally {
    db.close();
  }
}

test('the invitation link: while its sign-up page is open and after, the store holds no plaintext token', async () => {
  const invite = await createInvite(gl, { email: 'at-rest-link@example.com' });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  expect(page.status).toBe(200);
  expect(page.html).toContain('at-rest-link@example.com');
  const store = wholeStore();
  expect(store).toContain('invite_token');
  expect(store).not.toContain(invite.token);

  const done = await browser.submit(page, '/register', { password: 'a long enough password' });
  expect(done.status).toBe(200);
  expect(wholeStore()).not.toContain(invite.token);
});

test("an app's prompt=create with invite_token: the Interaction keeps it sealed, and sign-up still applies it", async () => {
  const invite = await createInvite(gl, { email: 'at-rest-app@example.com', roles: ['beta'] });
  const config = await discover(gl.url);
  const browser = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create', invite_token: invite.token });
  const page = await browser.get(start.url.toString());
  expect(page.status).toBe(200);
  // The invitation was applied: its email is shown, locked.
  expect(page.html).toMatch(/value="at-rest-app@example.com"[^>]*readonly|readonly[^>]*value="at-rest-app@example.com"/);
  expect(wholeStore()).not.toContain(invite.token);

  const callback = await passConsent(browser, await browser.submit(page, '/register', { password: 'a long enough password' }, isCallback));
  expect(isCallback(callback.url)).toBe(true);
  expect(wholeStore()).not.toContain(invite.token);
});
