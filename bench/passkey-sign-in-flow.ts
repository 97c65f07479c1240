// One passwordless sign-in as a relying party, a browser and a passkey do it: authorize → sign-in
// page → passkey options → the authenticator's assertion → finish → resume → code at the redirect
// URI → token endpoint. The passkey is a software authenticator (test/support/soft-authenticator.ts).
import type { SoftAuthenticator } from '../test/support/soft-authenticator.ts';
import { ceremonyOn, postJsonAs } from '../test/mfa/passkey-http.ts';
import { BENCH_CLIENT, openAppSignIn, type BenchClient } from './sign-in-flow.ts';

export async function passkeySignInOnce(base: string, authenticator: SoftAuthenticator, credentialId: string, client: BenchClient = BENCH_CLIENT): Promise<void> {
  const { browser, page, isCallback, redeem } = await openAppSignIn(base, client);
  const { optionsUrl, finishUrl, csrf } = ceremonyOn(page, 'sign-in');
  const start = await postJsonAs(browser, optionsUrl, { _csrf: csrf });
  if (start.status !== 200) throw new Error(`passkey options answered ${start.status}`);
  const response = authenticator.assert(start.body.options, credentialId, base);
  const finish = await postJsonAs(browser, finishUrl, { _csrf: csrf, challenge_id: start.body.challenge_id, response });
  if (finish.status !== 200) throw new Error(`passkey sign-in answered ${finish.status} ${JSON.stringify(finish.body)}`);
  await redeem(await browser.get(finish.body.location, isCallback));
}
