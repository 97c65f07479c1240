// The consent page always says what is being allowed: the new scopes, or, when the app asks again
// (prompt=consent) for what it already has, those scopes, as a confirmation.
import { decodeEntities, FormClient, type Page } from '../support/browser-form.ts';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, isCallback, RP, skipSecondFactorOffer, startAuthorization, writeClientsFile } from '../support/relying-party.ts';

let gl: RunningGuestlist;
beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile() } });
});
afterAll(() => gl.stop());

/** The list items and the sentence above them on a consent page. */
function consentText(page: Page): { lead: string; items: string[] } {
  const items = [...page.html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]!.trim());
  const lead = /id="consent-lead"[^>]*>([\s\S]*?)<\/p>/.exec(page.html)?.[1] ?? '';
  return { lead: decodeEntities(lead.replace(/<[^>]+>/g, '')).trim(), items };
}

test('asked again for what it already has, the app is named with the scopes being confirmed', async () => {
  const invite = await createInvite(gl, { email: 'hopper@example.com' });
  const config = await discover(gl.url);
  const browser = new FormClient();
  const signUp = await browser.get((await startAuthorization(config, { prompt: 'create', invite_token: invite.token, scope: 'openid email' })).url.toString());
  const first = await skipSecondFactorOffer(browser, await browser.submit(signUp, '/register', { email: 'hopper@example.com', password: 'a long enough password', invite_token: invite.token }, isCallback), isCallback);
  expect(consentText(first)).toEqual({ lead: 'Test App would like to:', items: ['Know who you are', 'See your email address'] });
  await browser.submit(first, '/consent', {}, isCallback);

  // offline_access with prompt=consent: one scope is new.
  const second = await browser.get((await startAuthorization(config, { prompt: 'consent', scope: 'openid email offline_access' })).url.toString(), isCallback);
  expect(consentText(second)).toEqual({ lead: 'Test App would like to:', items: ['Stay signed in while you are away'] });
  expect((await browser.submit(second, '/consent', {}, isCallback)).url.startsWith(RP.redirect_uri)).toBe(true);

  // Nothing new: the page says what the confirmation is for, never an empty list.
  const third = await browser.get((await startAuthorization(config, { prompt: 'consent', scope: 'openid email offline_access' })).url.toString(), isCallback);
  expect(third.html).toContain('/consent');
  expect(consentText(third)).toEqual({
    lead: 'Test App asks you to confirm that it may still:',
    items: ['Know who you are', 'See your email address', 'Stay signed in while you are away'],
  });
  expect((await browser.submit(third, '/consent', {}, isCallback)).url.startsWith(RP.redirect_uri)).toBe(true);
});
