// The second-factor figures of `npm run bench`: passwordless passkey sign-in flows against password
// sign-in flows on the same server, and authenticator-app code checks (the sealed secret opened,
// RFC 6238 checked, the step claimed in the store) against bare RFC 6238 checks.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/accounts/passwords.ts';
import { createEmbeddedStore } from '../src/store/embedded/index.ts';
import { createAuditRecorder } from '../src/audit/audit-recorder.ts';
import { createTotpService } from '../src/mfa/totp-service.ts';
import { matchingStep, totpCodeAt } from '../src/mfa/totp.ts';
import type { Store } from '../src/store/ports.ts';
import { createSoftAuthenticator } from '../test/support/soft-authenticator.ts';
import { startChildGuestlist } from '../test/support/child-guestlist.ts';
import { pool, type Rate } from './load.ts';
import { signInOnce } from './sign-in-flow.ts';
import { passkeySignInOnce } from './passkey-sign-in-flow.ts';

const newAccount = (id: string, email: string, passwordHash: string | null) => ({
  id,
  email,
  emailVerified: true,
  passwordHash,
  phoneNumber: null,
  phoneNumberVerified: false,
  roles: [],
  inviteId: null,
  invitedBy: null,
  createdAt: new Date(),
  disabled: false,
  inviteQuota: null,
});

export interface MfaFigureOptions {
  work: string;
  clientsFile: string;
  env: Record<string, string>;
  seconds: number;
  concurrency: number;
  password: string;
  progress(message: string): void;
}

/** Seeds password accounts and passkey-only accounts, then measures both sign-in flows on one server. */
export async function passkeyFlowRates(options: MfaFigureOptions): Promise<{ passkey: Rate & { errors: string[] }; password: Rate & { errors: string[] } }> {
  const dataDir = join(options.work, 'passkeys');
  const accounts = 200;
  const store = createEmbeddedStore({ dataDir });
  // Registered for host 127.0.0.1 (the child's issuer); each assertion names the child's origin, port included.
  const authenticator = createSoftAuthenticator('http://127.0.0.1');
  const passwordHash = await hash(options.password, ARGON2_OPTIONS);
  const passwordEmails: string[] = [];
  const credentials: string[] = [];
  options.progress(`seeding ${accounts} password accounts and ${accounts} passkey-only accounts`);
  for (let i = 0; i < accounts; i++) {
    const email = `password${i}@bench.test`;
    await store.accounts.create(newAccount(randomUUID(), email, passwordHash));
    passwordEmails.push(email);
    const id = randomUUID();
    await store.accounts.create(newAccount(id, `passkey${i}@bench.test`, null));
    const registered = authenticator.register({ challenge: 'seed', user: { id: Buffer.from(id).toString('base64url') } });
    await store.mfa.addPasskey({ id: registered.id, accountId: id, publicKey: authenticator.publicKeyOf(registered.id), counter: 0, transports: ['internal'], deviceType: 'singleDevice', backedUp: false, name: 'Bench', createdAt: new Date(), lastUsedAt: null }, 20);
    credentials.push(registered.id);
  }
  await store.close();
  const gl = await startChildGuestlist({ dataDir, env: options.env });
  try {
    options.progress(`passkey sign-in flows (authorize → page → options → assertion → finish → code → token) from ${options.concurrency} workers, ${options.seconds}s`);
    const passkey = await pool(options.concurrency, options.seconds, 1_000_000, (i) => passkeySignInOnce(gl.url, authenticator, credentials[i % credentials.length]!));
    if (passkey.errors.length) options.progress(`passkey sign-in errors: ${passkey.errors.join(' | ')}`);
    options.progress(`password sign-in flows on the same server, ${options.seconds}s`);
    const password = await pool(options.concurrency, options.seconds, 1_000_000, (i) => signInOnce(gl.url, passwordEmails[i % passwordEmails.length]!, options.password));
    if (password.errors.length) options.progress(`password sign-in errors: ${password.errors.join(' | ')}`);
    return { passkey, password };
  } finally {
    await gl.stop();
  }
}

/**
 * Authenticator-app checks through the TOTP service on the embedded store (on disk, as served):
 * open the sealed secret, check the code, claim its step. A clock that moves 30 s per round over
 * the accounts gives every check a new step, so each one is a success that writes.
 */
export async function totpRates(options: Pick<MfaFigureOptions, 'work' | 'seconds' | 'progress'>): Promise<{ service: Rate & { errors: string[] }; raw: Rate & { errors: string[] } }> {
  const accounts = 1000;
  let now = new Date('2030-01-01T00:00:00Z');
  const clock = () => now;
  const store: Store = createEmbeddedStore({ dataDir: join(options.work, 'totp'), clock });
  try {
    const audit = createAuditRecorder({ audit: store.audit, clock });
    const totp = createTotpService({ store, clock, audit, cookieKeys: ['bench-cookie-key-0123456789abcdefghijklmnop'], productName: 'Bench' });
    options.progress(`seeding ${accounts} authenticator apps through set-up and confirm`);
    const secrets: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < accounts; i++) {
      const account = await store.accounts.create(newAccount(randomUUID(), `totp${i}@bench.test`, null));
      const draft = await totp.begin(account);
      await totp.confirm(account, draft.sealed, totpCodeAt(draft.secret, now), { ip: null, userAgent: null, requestId: null });
      secrets.push(draft.secret);
      ids.push(account.id);
    }
    const start = now.getTime() + 60_000;
    const at = (i: number) => new Date(start + Math.floor(i / accounts) * 30_000);
    options.progress(`TOTP checks through the service (sealed secret, RFC 6238, replay guard), ${options.seconds}s`);
    const service = await pool(1, options.seconds, 10_000_000, async (i) => {
      now = at(i);
      const k = i % accounts;
      if (!(await totp.check(ids[k]!, totpCodeAt(secrets[k]!, now)))) throw new Error('a right code was refused');
    });
    options.progress(`bare RFC 6238 checks (otpauth, no store), ${options.seconds}s`);
    const raw = await pool(1, options.seconds, 10_000_000, async (i) => {
      const when = at(i);
      const k = i % accounts;
      if (matchingStep(secrets[k]!, totpCodeAt(secrets[k]!, when), when) === null) throw new Error('a right code did not match');
    });
    return { service, raw };
  } finally {
    await store.close();
  }
}
