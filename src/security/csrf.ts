// CSRF protection for the hosted forms: a random token in a signed, SameSite cookie that the
// form must echo (double submit). A cross-site page can neither read the cookie nor forge it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { AppError } from '../errors.ts';

const COOKIE = 'gl.csrf';
export const CSRF_FIELD = '_csrf';

/** The token for this browser, set on first use. */
export function csrfToken(ctx: Context): string {
  const existing = ctx.cookies.get(COOKIE, { signed: true });
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  ctx.cookies.set(COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, overwrite: true });
  return token;
}

/** Throws 403 csrf_failed unless the submitted token matches the cookie. */
export function assertCsrf(ctx: Context, submitted: unknown): void {
  const expected = ctx.cookies.get(COOKIE, { signed: true });
  if (typeof submitted !== 'string' || !expected || submitted.length !== expected.length) throw new AppError('csrf_failed');
  if (!timingSafeEqual(Buffer.from(submitted), Buffer.from(expected))) throw new AppError('csrf_failed');
}
