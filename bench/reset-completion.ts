// The password-reset completion figure: POST /api/recovery/complete with a reset token, against raw
// argon2id hashes. Accounts are seeded in the store and their reset links made through the admin
// API before the clock starts, so the figure measures the completion alone (the policy, spending the
// token, argon2id, the new hash stored, sessions ended, the mail queued, the audit event).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/accounts/passwords.ts';
import { createEmbeddedStore } from '../src/store/embedded/index.ts';
import { childAdminToken, startChildGuestlist } from '../test/support/child-guestlist.ts';
import { pool, type Rate } from './load.ts';

export interface ResetFigureOptions {
  work: string;
  env: Record<string, string>;
  seconds: number;
  concurrency: number;
  progress: (message: string) => void;
}

async function seedAccounts(dataDir: string, count: number): Promise<string[]> {
  const store = createEmbeddedStore({ dataDir });
  const passwordHash = await hash('the forgotten password', ARGON2_OPTIONS);
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      await store.accounts.create({ id, email: `resetter${i}@bench.test`, emailVerified: true, passwordHash, phoneNumber: null, phoneNumberVerified: false, roles: [], inviteId: null, invitedBy: null, createdAt: new Date(), disabled: false, inviteQuota: null });
      ids.push(id);
    }
  } finally {
    await store.close();
  }
  return ids;
}

export async function resetFigure({ work, env, seconds, concurrency, progress }: ResetFigureOptions): Promise<{ resets: Rate & { errors: string[] }; hashes: Rate & { errors: string[] } }> {
  const dataDir = join(work, 'resets');
  const count = Math.ceil(seconds * 300);
  progress(`resets: seeding ${count} accounts`);
  const ids = await seedAccounts(dataDir, count);
  const gl = await startChildGuestlist({ dataDir, env });
  try {
    const admin = await childAdminToken(gl.url);
    progress(`resets: ${count} reset links through POST /admin/users/{id}/recovery`);
    const tokens: string[] = [];
    const made = await pool(8, 600, ids.length, async (i) => {
      const response = await fetch(`${gl.url}/admin/users/${ids[i]}/recovery`, { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: '{"send_email":false}' });
      const body = (await response.json()) as { url?: string };
      if (response.status !== 201 || !body.url) throw new Error(`recovery link answered ${response.status}`);
      tokens[i] = new URL(body.url).searchParams.get('token')!;
    });
    if (made.errors.length) progress(`reset link errors: ${made.errors.join(' | ')}`);
    progress(`resets: POST /api/recovery/complete from ${concurrency} workers, ${seconds}s`);
    const resets = await pool(concurrency, seconds, tokens.length, async (i) => {
      const response = await fetch(`${gl.url}/api/recovery/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reset_token: tokens[i], password: `a brand new phrase ${i}` }) });
      if (response.status !== 204) throw new Error(`complete answered ${response.status} ${await response.text()}`);
    });
    if (resets.errors.length) progress(`reset errors: ${resets.errors.join(' | ')}`);
    progress(`raw argon2id hashes (same parameters, ${concurrency} in flight), ${seconds}s`);
    const hashes = await pool(concurrency, seconds, Number.MAX_SAFE_INTEGER, async () => {
      await hash('a brand new phrase', ARGON2_OPTIONS);
    });
    return { resets, hashes };
  } finally {
    await gl.stop();
  }
}
