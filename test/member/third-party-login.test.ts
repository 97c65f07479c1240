// After a sign-up from an invitation that names an app, the app's initiate_login_uri receives iss,
// login_hint and, when the app registered its home page (client_uri), target_link_uri.
import { FormClient } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { skipSecondFactorOffer, writeClientsFile } from '../support/relying-party.ts';

let gl: RunningGuestlist;
beforeAll(async () => {
  gl = await startGuestlist({
    env: {
      CLIENTS_FILE: writeClientsFile([
        {
          client_id: 'home-app',
          client_secret: 'home-app-secret-long-enough-0123456789',
          redirect_uris: ['https://home.example.com/oidc/callback'],
          initiate_login_uri: 'https://home.example.com/oidc/login',
          client_uri: 'https://home.example.com/dashboard',
        },
      ]),
    },
  });
});
afterAll(() => gl.stop());

test('the app that registered client_uri gets it as target_link_uri', async () => {
  const invite = await createInvite(gl, { email: 'tim@example.com', client_id: 'home-app' });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  const toHome = (location: string) => location.startsWith('https://home.example.com/');
  const landed = await skipSecondFactorOffer(browser, await browser.submit(page, '/register', { email: 'tim@example.com', password: 'password for tim!' }, toHome), toHome);
  const target = new URL(landed.url);
  expect(target.origin + target.pathname).toBe('https://home.example.com/oidc/login');
  expect(Object.fromEntries(target.searchParams)).toEqual({ iss: gl.url, login_hint: 'tim@example.com', target_link_uri: 'https://home.example.com/dashboard' });
});
