// Apache httpd + mod_auth_openidc (Debian 12's 2.4.12) against Guestlist running as its own
// process, driven by Chromium: sign-up from an invitation with prompt=create, the claims the app
// sees, a `Require claim roles:` check, refresh, RP-initiated logout and back-channel logout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHILD_ADMIN, childAdminToken, freePort, startChildGuestlist, type ChildGuestlist } from '../support/child-guestlist.ts';
import { launchBrowser, openContext } from '../support/browser.ts';
import { skipSecondFactorOffer } from '../support/browser-app.ts';
import { postJson } from '../support/start-guestlist.ts';
import { startApacheRp, type ApacheRp } from './support/apache-rp.ts';

const CLIENT = { id: 'apache-app', secret: 'apache-app-secret-long-enough-0123456789' };
const PASSWORD = 'apache member password';

let gl: ChildGuestlist;
let apache: ApacheRp;
let browser: Browser;
let admin: string;

beforeAll(async () => {
  const [glPort, apachePort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${glPort}`;
  apache = await startApacheRp({ port: apachePort, issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, requiredRole: 'member' });
  const clientsFile = join(mkdtempSync(join(tmpdir(), 'guestlist-apache-clients-')), 'clients.json');
  writeFileSync(
    clientsFile,
    JSON.stringify([
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        client_name: 'Apache app',
        redirect_uris: [apache.redirectUri],
        post_logout_redirect_uris: [apache.loggedOutUrl],
        backchannel_logout_uri: apache.backchannelLogoutUri,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid email offline_access',
        first_party: true,
      },
    ]),
  );
  gl = await startChildGuestlist({ port: glPort, env: { CLIENTS_FILE: clientsFile } });
  admin = await childAdminToken(gl.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gl?.stop();
  await apache?.stop();
});

/** Waits for a URL; a failure says where the browser is, what it shows and mod_auth_openidc's log (where its reasons are). */
async function arriveAt(page: Page, matches: string | ((url: URL) => boolean)): Promise<void> {
  try {
    await page.waitForURL(matches);
  } catch (error) {
    const shown = await page.locator('body').innerText().catch(() => '');
    throw new Error(`${(error as Error).message}\nat ${page.url()}\n--- page ---\n${shown.slice(0, 1500)}\n--- apache error.log ---\n${apache.errorLog().slice(-4000)}`);
  }
}

async function invite(email: string, roles: string[]): Promise<string> {
  const created = await postJson(`${gl.url}/admin/invites`, { email, roles }, admin);
  expect(created.status).toBe(201);
  return created.body.token as string;
}

/**
 * The app starts the sign-up itself: third-party-initiated login at mod_auth_openidc's redirect
 * URI, which adds prompt=create and the invitation to its authorization request.
 */
function signUpUrl(token: string, target: string): string {
  const query = new URLSearchParams({
    iss: gl.url,
    target_link_uri: `${apache.url}${target}`,
    // consent too: refresh tokens (offline_access) are only issued with prompt=consent. A space is
    // %20 here: mod_auth_openidc decodes %XX in these parameters, but not '+'.
    auth_request_params: `prompt=create%20consent&invite_token=${encodeURIComponent(token)}`,
  });
  return `${apache.redirectUri}?${query}`;
}

async function signUp(page: Page, email: string, roles: string[]): Promise<void> {
  await page.goto(signUpUrl(await invite(email, roles), '/protected/whoami'));
  await arriveAt(page, (url) => url.href.startsWith(`${gl.url}/interaction/`));
  await expect(page.locator('h1').textContent()).resolves.toBe('Create your account');
  await expect(page.getByLabel('Email').inputValue()).resolves.toBe(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await skipSecondFactorOffer(page);
  await arriveAt(page, `${apache.url}/protected/whoami`);
}

/** What the app behind mod_auth_openidc sees, as NAME=value lines. */
async function seenByApp(page: Page, path: string): Promise<{ status: number; lines: string[] }> {
  const response = await page.goto(`${apache.url}${path}`);
  return { status: response!.status(), lines: (await page.locator('body').innerText()).split('\n').map((line) => line.trim()).filter(Boolean) };
}

async function sessionInfo(page: Page, refreshInterval?: number): Promise<{ access_token: string; refresh_token: string }> {
  const query = new URLSearchParams({ info: 'json', ...(refreshInterval === undefined ? {} : { access_token_refresh_interval: String(refreshInterval) }) });
  const response = await page.goto(`${apache.redirectUri}?${query}`);
  expect(response!.status()).toBe(200);
  return JSON.parse(await page.locator('body').innerText()) as { access_token: string; refresh_token: string };
}

/** As the admin client, which may introspect any token. */
async function introspect(token: string): Promise<{ active: boolean; client_id?: string }> {
  const response = await fetch(`${gl.url}/token/introspection`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${CHILD_ADMIN.id}:${CHILD_ADMIN.secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as { active: boolean; client_id?: string };
}

test('an invitee signs up from the app with prompt=create; the app gets email and roles; refresh; logout without a question', async () => {
  const { context, page } = await openContext(browser);
  try {
    await signUp(page, 'ada@example.com', ['member', 'beta']);
    const whoami = await seenByApp(page, '/protected/whoami');
    expect(whoami.status).toBe(200);
    expect(whoami.lines).toEqual(expect.arrayContaining(['REMOTE_USER=ada@example.com', 'OIDC_CLAIM_email=ada@example.com', 'OIDC_CLAIM_email_verified=1', 'OIDC_CLAIM_roles=member,beta']));
    expect(whoami.lines.find((line) => line.startsWith('OIDC_CLAIM_sid='))).toBeDefined();

    // `Require claim roles:member` lets her in.
    const members = await seenByApp(page, '/protected/members/whoami');
    expect(members.status).toBe(200);
    expect(members.lines).toContain('OIDC_CLAIM_roles=member,beta');

    // Refresh through mod_auth_openidc: a new access token. A confidential client keeps its
    // refresh token until 70% of its lifetime has passed (public clients get a new one each time).
    const before = await sessionInfo(page);
    expect(before.refresh_token).toBeTruthy();
    const after = await sessionInfo(page, 0);
    expect(after.access_token).not.toBe(before.access_token);
    await expect(introspect(after.access_token)).resolves.toMatchObject({ active: true, client_id: CLIENT.id });
    expect(after.refresh_token).toBe(before.refresh_token);
    await expect(introspect(after.refresh_token)).resolves.toMatchObject({ active: true, client_id: CLIENT.id });

    // RP-initiated logout: mod_auth_openidc sends id_token_hint and a registered
    // post_logout_redirect_uri, so Guestlist signs out without a question and sends her back.
    await page.goto(`${apache.redirectUri}?logout=${encodeURIComponent(apache.loggedOutUrl)}`);
    await arriveAt(page, apache.loggedOutUrl);
    await expect(page.locator('#logged-out').textContent()).resolves.toBe('Signed out of the Apache app');
    // Both sessions are gone: the app sends her to Guestlist's sign-in page.
    await page.goto(`${apache.url}/protected/whoami`);
    await arriveAt(page, (url) => url.href.startsWith(`${gl.url}/interaction/`));
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
  } finally {
    await context.close();
  }
});

test('`Require claim roles:member` keeps out a member without the role', async () => {
  const { context, page } = await openContext(browser);
  try {
    await signUp(page, 'grace@example.com', ['beta']);
    expect((await seenByApp(page, '/protected/whoami')).lines).toContain('OIDC_CLAIM_roles=beta');
    const members = await seenByApp(page, '/protected/members/whoami');
    expect(members.status).toBe(401);
    expect(members.lines.join('\n')).not.toContain('OIDC_CLAIM_');
  } finally {
    await context.close();
  }
});

test('disabling the account at Guestlist ends the Apache session through back-channel logout', async () => {
  const { context, page } = await openContext(browser);
  try {
    await signUp(page, 'linus@example.com', ['member']);
    const whoami = await seenByApp(page, '/protected/whoami');
    expect(whoami.lines).toContain('REMOTE_USER=linus@example.com');
    const accountId = whoami.lines.find((line) => line.startsWith('OIDC_CLAIM_sub='))!.slice('OIDC_CLAIM_sub='.length);

    expect((await postJson(`${gl.url}/admin/users/${accountId}/disable`, {}, admin)).status).toBe(200);
    expect(gl.output()).not.toContain('back-channel logout failed');

    // mod_auth_openidc verified the logout token and dropped its session: the same browser is
    // sent back to Guestlist to sign in, where a disabled account cannot.
    await page.goto(`${apache.url}/protected/whoami`);
    await arriveAt(page, (url) => url.href.startsWith(`${gl.url}/interaction/`));
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
  } finally {
    await context.close();
  }
});

test('an error answer carries iss (RFC 9207), which mod_auth_openidc 2.4.12 takes for a third-party login (see the README)', async () => {
  const { context, page } = await openContext(browser);
  try {
    // prompt=bogus: Guestlist answers the app's redirect URI with error=invalid_request, state and iss.
    const errorAnswer = page.waitForRequest((request) => request.url().startsWith(`${apache.redirectUri}?error=`));
    const query = new URLSearchParams({ iss: gl.url, target_link_uri: `${apache.url}/protected/whoami`, auth_request_params: 'prompt=bogus' });
    await page.goto(`${apache.redirectUri}?${query}`);
    const answered = new URL((await errorAnswer).url());
    expect(answered.searchParams.get('error')).toBe('invalid_request');
    expect(answered.searchParams.get('iss')).toBe(gl.url);
    // mod_auth_openidc looks for `iss` before `error`, so it does not show the error: it tries to
    // start a login, and without OIDCDefaultURL refuses that.
    await expect(page.locator('body').innerText()).resolves.toContain('SSO to this module without specifying a "target_link_uri" parameter is not possible');
  } finally {
    await context.close();
  }
});
