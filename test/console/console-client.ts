// Signs a person up through an invitation with the given roles and into the admin console, as a
// browser without JavaScript would: the invitation link, the sign-up form, then /console (whose
// sign-in rides on the provider session, ending on the page that moves on to the console).
import { FormClient, findForm, type Page } from '../support/browser-form.ts';
import { skipSecondFactorOffer } from '../support/relying-party.ts';
import { createInvite, type RunningGuestlist } from '../support/start-guestlist.ts';

export interface ConsoleVisitor {
  client: FormClient;
  /** The console's overview as it was reached. */
  home: Page;
  email: string;
  /** The CSRF token the console's forms carry. */
  csrf: string;
}

export const csrfOf = (html: string): string => findForm(html, '/console/logout').hidden._csrf!;

export async function signUp(gl: RunningGuestlist, email: string, roles: string[], password = 'a console password') {
  const invite = await createInvite(gl, { email, roles });
  const client = new FormClient();
  const signUpPage = await client.get(invite.url);
  const welcome = await skipSecondFactorOffer(client, await client.submit(signUpPage, '/register', { email, password, invite_token: invite.token }));
  if (!welcome.url.includes('/account/welcome')) throw new Error(`sign-up did not finish: ${welcome.status} ${welcome.url}\n${welcome.html.slice(0, 500)}`);
  return { client, invite };
}

/** Signs up with `roles` and opens the console; throws unless the overview is reached. */
export async function consoleVisitor(gl: RunningGuestlist, email: string, roles: string[]): Promise<ConsoleVisitor> {
  const { client } = await signUp(gl, email, roles);
  const signedIn = await client.get(`${gl.url}/console`);
  if (signedIn.status !== 200 || !signedIn.html.includes('http-equiv="refresh"')) throw new Error(`console sign-in did not finish: ${signedIn.status} ${signedIn.url}\n${signedIn.html.slice(0, 800)}`);
  const home = await client.get(`${gl.url}/console`);
  if (home.status !== 200 || !home.url.endsWith('/console')) throw new Error(`no console: ${home.status} ${home.url}\n${home.html.slice(0, 800)}`);
  return { client, home, email, csrf: csrfOf(home.html) };
}

/** POSTs a console form as the browser would (urlencoded, with the CSRF token unless given). */
export function postForm(visitor: ConsoleVisitor, url: string, fields: Record<string, string | string[]> = {}) {
  const body = new URLSearchParams();
  if (!('_csrf' in fields)) body.append('_csrf', visitor.csrf);
  for (const [name, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  return visitor.client.request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
}
