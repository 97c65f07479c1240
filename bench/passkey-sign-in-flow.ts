// One passwordless sign-in as a relying party, a browser and a passkey do it: authorize → sign-in
// page → passkey options → the authenticator's assertion → finish → resume → code at the redirect
// URI → token endpoint. The passkey is a software authenticator (test/support/soft-authenticator.ts).
import { createHash, randomBytes } from 'node:crypto';
import { FormClient } from '../test/support/browser-form.ts';
import type { SoftAuthenticator } from '../test/support/soft-authenticator.ts';
import { ceremonyOn, postJsonAs } from '../test/mfa/passkey-http.ts';
import { BENCH_CLIENT, type BenchClient } from './sign-in-flow.ts';

export async function passkeySignInOnce(base: string, authenticator: SoftAuthenticator, credentialId: string, client: BenchClient = BENCH_CLIENT): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/auth', base);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    scope: 'openid email',
    redirect_uri: client.redirect_uri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }).toString();
  const isCallback = (location: string) => location.startsWith(client.redirect_uri);
  const browser = new FormClient();
  const page = await browser.get(authorize.toString(), isCallback);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}`);
  const { optionsUrl, finishUrl, csrf } = ceremonyOn(page, 'sign-in');
  const start = await postJsonAs(browser, optionsUrl, { _csrf: csrf });
  if (start.status !== 200) throw new Error(`passkey options answered ${start.status}`);
  const response = authenticator.assert(start.body.options, credentialId, base);
  const finish = await postJsonAs(browser, finishUrl, { _csrf: csrf, challenge_id: start.body.challenge_id, response });
  if (finish.status !== 200) throw new Error(`passkey sign-in answered ${finish.status} ${JSON.stringify(finish.body)}`);
  const landed = await browser.get(finish.body.location, isCallback);
  const code = isCallback(landed.url) ? new URL(landed.url).searchParams.get('code') : null;
  if (!code) throw new Error(`passkey sign-in did not reach the app (${landed.status})`);
  const tokenResponse = await fetch(new URL('/token', base), {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri, code_verifier: verifier }).toString(),
  });
  const tokens = (await tokenResponse.json()) as { id_token?: string };
  if (!tokenResponse.ok || !tokens.id_token) throw new Error(`token endpoint answered ${tokenResponse.status}`);
}
