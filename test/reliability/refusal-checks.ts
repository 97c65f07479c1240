// Shared checks for the reliability suite: what a refused request must look like, and a
// fingerprint of the store's durable state to prove a refusal changed nothing.
import type { Store } from '../../src/store/ports.ts';

export interface Answer {
  status: number;
  type: string;
  text: string;
}

export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A JSON endpoint's answer: never a 5xx; a 4xx is exactly the contract's {error, message, details?}. */
export function assertJsonContract(answer: Answer, what: string): void {
  if (answer.status >= 500) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  if (answer.status < 400) return;
  if (!answer.type.includes('application/json')) throw new Error(`${what}: ${answer.status} is not JSON (${answer.type})`);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  const keys = Object.keys(body).filter((key) => !['error', 'message', 'details', 'error_description'].includes(key));
  if (typeof body.error !== 'string' || !/^[a-z_]+$/.test(body.error)) throw new Error(`${what}: bad error code in ${answer.text}`);
  if (typeof body.message !== 'string' || body.message.length === 0) throw new Error(`${what}: no message in ${answer.text}`);
  if (body.details !== undefined && !Array.isArray(body.details)) throw new Error(`${what}: details is not an array in ${answer.text}`);
  if (keys.length) throw new Error(`${what}: unexpected keys ${keys.join(',')} in ${answer.text}`);
}

/** A hosted form's answer: never a 5xx; a 4xx is a whole HTML page with a message, no stack trace. */
export function assertReadablePage(answer: Answer, what: string): void {
  if (answer.status >= 500) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  if (answer.status < 400) return;
  if (!answer.type.includes('text/html')) throw new Error(`${what}: ${answer.status} is not a page (${answer.type}): ${answer.text.slice(0, 200)}`);
  if (!/<\/html>\s*$/i.test(answer.text)) throw new Error(`${what}: incomplete page`);
  if (!/<(h1|p)[^>]*>[^<]{3,}/i.test(answer.text)) throw new Error(`${what}: page has no readable message`);
  if (/\n\s+at [\w.<>]+ \(/.test(answer.text)) throw new Error(`${what}: page shows a stack trace`);
}

/** The durable state a refused request must not touch: invites (uses, status, token) and accounts. */
export async function storeFingerprint(store: Store, now: Date): Promise<string> {
  const invites = await store.invites.list({}, { limit: 100_000 }, now);
  const accounts = await store.accounts.list({}, { limit: 100_000 });
  return JSON.stringify([
    invites.items.map((i) => [i.id, i.tokenHash, i.uses, i.maxUses, i.revokedAt?.getTime() ?? null, i.expiresAt.getTime(), i.email]),
    accounts.items.map((a) => [a.id, a.email, a.disabled, a.passwordHash, a.roles]),
  ]);
}
