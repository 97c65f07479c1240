// Any registered app (not only the default test RP) signing a member in through the hosted pages
// with openid-client: code + PKCE, the sign-up or sign-in form when shown, consent when asked.
import { FormClient, type Page } from './browser-form.ts';
import { oidc, skipSecondFactorOffer } from './relying-party.ts';
import { createInvite, type RunningGuestlist } from './start-guestlist.ts';

export interface TestApp {
  client_id: string;
  /** Unset: a public client (token_endpoint_auth_method none). */
  client_secret?: string;
  redirect_uri: string;
}

export async function discoverAs(issuer: string, app: TestApp): Promise<oidc.Configuration> {
  const auth = app.client_secret ? undefined : oidc.None();
  return oidc.discovery(new URL(issuer), app.client_id, app.client_secret, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface Authorized {
  config: oidc.Configuration;
  browser: FormClient;
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
}

export interface AuthorizeOptions {
  scope?: string;
  params?: Record<string, string>;
  /** The browser (its cookies: the Guestlist session); a new one by default. */
  browser?: FormClient;
  /** Filled into the sign-in or sign-up form when the page shows one. */
  form?: { path: '/login' | '/register'; fields: Record<string, string> };
}

/** One authorization request from the app, through whatever pages Guestlist shows, to tokens. */
export async function authorize(gl: Pick<RunningGuestlist, 'url'>, app: TestApp, options: AuthorizeOptions = {}): Promise<Authorized> {
  const config = await discoverAs(gl.url, app);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: app.redirect_uri,
    scope: options.scope ?? 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...options.params,
  });
  const isCallback = (location: string) => location.startsWith(app.redirect_uri);
  const browser = options.browser ?? new FormClient();
  let page: Page = await browser.get(url.toString(), isCallback);
  if (!isCallback(page.url) && options.form) page = await browser.submit(page, options.form.path, options.form.fields, isCallback);
  if (!isCallback(page.url)) page = await skipSecondFactorOffer(browser, page, isCallback);
  if (!isCallback(page.url) && page.html.includes('/consent')) page = await browser.submit(page, '/consent', {}, isCallback);
  if (!isCallback(page.url)) throw new Error(`expected the app's callback, got ${page.status} ${page.url}\n${page.html.slice(0, 1500)}`);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { config, browser, tokens };
}

/** Invites `email`, signs it up from the app with prompt=create, and exchanges the code. */
export async function signUpThrough(gl: RunningGuestlist, app: TestApp, email: string, options: { scope?: string; password?: string } = {}): Promise<Authorized> {
  const invite = await createInvite(gl, { email });
  return authorize(gl, app, {
    scope: options.scope,
    params: { prompt: 'create', invite_token: invite.token },
    form: { path: '/register', fields: { email, password: options.password ?? 'a long enough password', invite_token: invite.token } },
  });
}
