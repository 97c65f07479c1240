// Admin console sessions: 15 minutes idle, 8 hours at most. The cookie holds `id.secret`; the store
// holds only SHA-256(secret), compared in constant time, so a copy of the store opens no console.
// Each form carries a CSRF token derived from the session id (HMAC), so it needs no storage.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleSessionStore } from '../store/ports.ts';

export const CONSOLE_IDLE_MS = 15 * 60_000;
export const CONSOLE_ABSOLUTE_MS = 8 * 3_600_000;

export interface ConsoleSession {
  id: string;
  accountId: string;
  /** The token every console form echoes. */
  csrf: string;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function createConsoleSessions({ store, clock, cookieKeys }: { store: ConsoleSessionStore; clock: () => Date; cookieKeys: readonly string[] }) {
  // Its own key: a CSRF token says nothing about any other use of the cookie keys.
  const csrfKey = Buffer.from(hkdfSync('sha256', cookieKeys[0]!, 'guestlist', 'console-csrf-v1', 32));
  const csrfOf = (id: string) => createHmac('sha256', csrfKey).update(id).digest('base64url');

  return {
    /** A new session for `accountId`; returns the cookie value (shown only here). */
    async start(accountId: string): Promise<{ cookie: string; session: ConsoleSession }> {
      const now = clock();
      const id = randomBytes(16).toString('base64url');
      const secret = randomBytes(32).toString('base64url');
      await store.create({ id, secretHash: hash(secret), accountId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + CONSOLE_ABSOLUTE_MS) });
      return { cookie: `${id}.${secret}`, session: { id, accountId, csrf: csrfOf(id) } };
    },

    /** The live session behind a cookie value, its idle time restarted; null when there is none. */
    async resume(cookie: string | undefined): Promise<ConsoleSession | null> {
      const match = cookie ? VALUE.exec(cookie) : null;
      if (!match) return null;
      const [, id, secret] = match as unknown as [string, string, string];
      const record = await store.find(id);
      if (!record) return null;
      const expected = Buffer.from(record.secretHash, 'hex');
      const given = Buffer.from(hash(secret), 'hex');
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      if (!(await store.touch(id, clock(), CONSOLE_IDLE_MS))) {
        await store.delete(id);
        return null;
      }
      return { id, accountId: record.accountId, csrf: csrfOf(id) };
    },

    async end(id: string): Promise<void> {
      await store.delete(id);
    },

    /** True when `submitted` is this session's CSRF token (constant time). */
    csrfMatches(session: ConsoleSession, submitted: unknown): boolean {
      if (typeof submitted !== 'string') return false;
      const given = Buffer.from(submitted);
      const expected = Buffer.from(session.csrf);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
