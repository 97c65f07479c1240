// Signs a new member up through an invitation with a real relying party and returns their tokens
// (scope `invites` and a refresh token) and the browser that holds their session.
import { FormClient } from '../support/browser-form.ts';
import { createInvite, type RunningGuestlist } from '../support/start-guestlist.ts';
import { discover, finishAuthorization, isCallback, passConsent, startAuthorization } from '../support/relying-party.ts';

export async function signUpMember(gl: RunningGuestlist, email: string, invite: Record<string, unknown> = {}, password = 'a member password') {
  const created = await createInvite(gl, { email, ...invite });
  const config = await discover(gl.url);
  const browser = new FormClient();
  const start = await startAuthorization(config, { prompt: 'create consent', invite_token: created.token, scope: 'openid email invites offline_access' });
  const signUp = await browser.get(start.url.toString());
  const callback = await passConsent(browser, await browser.submit(signUp, '/register', { email, password, invite_token: created.token }, isCallback));
  const tokens = await finishAuthorization(config, callback.url, start);
  return { config, browser, tokens, sub: tokens.claims()!.sub, invite: created, password };
}
