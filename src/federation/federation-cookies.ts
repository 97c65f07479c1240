// The two short-lived browser cookies of an upstream sign-in, sealed (AES-GCM) with the cookie keys:
// the pending request (state, nonce, PKCE verifier, and the invitation or the account to link) on the
// callback's path, and the finished sign-in on its interaction's path. Sealed, not just signed: the
// verifier and an invitation token must not be readable from the browser's storage.
import type { Context } from 'koa';
import { createPayloadSealer, type PayloadSealer } from '../security/payload-sealer.ts';
import type { PendingAuthorization } from './upstream-client.ts';
import { federationCallbackPath } from './federation-paths.ts';

const PENDING_COOKIE = 'gl.upstream';
const DONE_COOKIE = 'gl.upstream.done';
/** Long enough to sign in upstream (a password, its own second factor), short enough to be no standing secret. */
const PENDING_TTL_MS = 15 * 60_000;
const DONE_TTL_MS = 2 * 60_000;

export interface PendingUpstream extends PendingAuthorization {
  providerId: string;
  /** The hosted interaction that started a sign-in or sign-up. */
  uid?: string;
  /** The invitation carried into that sign-up. */
  inviteToken?: string | null;
  /** The signed-in account that started a link from /account. */
  linkTo?: string;
  expiresAt: number;
}

export function createFederationCookies(cookieKeys: readonly string[], clock: () => Date) {
  const sealer: PayloadSealer = createPayloadSealer(cookieKeys, 'upstream-request-v1');
  const now = () => clock().getTime();
  const options = (ctx: Context, path: string, maxAge: number) => ({ path, maxAge, httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, overwrite: true, signed: false });

  function open<T extends { expiresAt: number }>(ctx: Context, name: string): T | null {
    const raw = ctx.cookies.get(name, { signed: false });
    if (!raw) return null;
    try {
      const value = sealer.open<T>(raw);
      return value.expiresAt > now() ? value : null;
    } catch {
      return null;
    }
  }

  return {
    /** Kept until the upstream sends the browser back; `lax` so that top-level return carries it. */
    rememberPending(ctx: Context, pending: Omit<PendingUpstream, 'expiresAt'>): void {
      const value: PendingUpstream = { ...pending, expiresAt: now() + PENDING_TTL_MS };
      ctx.cookies.set(PENDING_COOKIE, sealer.seal(value), options(ctx, federationCallbackPath(pending.providerId), PENDING_TTL_MS));
    },

    /** The pending request for this provider, used once: it is cleared as it is read. */
    takePending(ctx: Context, providerId: string): PendingUpstream | null {
      const pending = open<PendingUpstream>(ctx, PENDING_COOKIE);
      ctx.cookies.set(PENDING_COOKIE, '', { ...options(ctx, federationCallbackPath(providerId), 0), maxAge: undefined, expires: new Date(0) });
      return pending && pending.providerId === providerId ? pending : null;
    },

    rememberSignedIn(ctx: Context, uid: string, accountId: string): void {
      ctx.cookies.set(DONE_COOKIE, sealer.seal({ uid, accountId, expiresAt: now() + DONE_TTL_MS }), options(ctx, `/interaction/${uid}`, DONE_TTL_MS));
    },

    /** The account an upstream sign-in finished with, for this interaction only; cleared as it is read. */
    takeSignedIn(ctx: Context, uid: string): string | null {
      const done = open<{ uid: string; accountId: string; expiresAt: number }>(ctx, DONE_COOKIE);
      ctx.cookies.set(DONE_COOKIE, '', { ...options(ctx, `/interaction/${uid}`, 0), maxAge: undefined, expires: new Date(0) });
      return done && done.uid === uid ? done.accountId : null;
    },
  };
}

export type FederationCookies = ReturnType<typeof createFederationCookies>;
