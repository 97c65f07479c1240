// The console's cookies: the session (SameSite=Strict: no other site's page can send it) and the
// short-lived sign-in state (Lax: it must come back on the provider's redirect).
import type { Context } from 'koa';

export const CONSOLE_COOKIE = 'gl.console';
export const CONSOLE_SIGN_IN_COOKIE = 'gl.console.signin';

const base = (ctx: Context) => ({ httpOnly: true, secure: ctx.secure, path: '/console', overwrite: true });

export function setSessionCookie(ctx: Context, value: string | null): void {
  // No maxAge: the server ends it (15 minutes idle, 8 hours at most); the browser drops it on close.
  ctx.cookies.set(CONSOLE_COOKIE, value, { ...base(ctx), sameSite: 'strict' });
}

export function setSignInCookie(ctx: Context, value: string | null): void {
  ctx.cookies.set(CONSOLE_SIGN_IN_COOKIE, value, { ...base(ctx), sameSite: 'lax', maxAge: 10 * 60_000 });
}
