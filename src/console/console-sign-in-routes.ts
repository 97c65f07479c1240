// Signing in to the console through Guestlist's own OIDC flow (authorization code + PKCE as the
// first-party console client), and signing out. The state and the PKCE verifier wait in a sealed
// cookie; the callback opens a console session only for an account with a console role.
import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ConsoleAccess } from '../accounts/console-access.ts';
import { AppError, badRequest } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { consoleAuthorizationUrl, consoleSignOutUrl, type ConsoleCodeRedeemer } from '../oidc/console-client.ts';
import { createPayloadSealer } from '../security/payload-sealer.ts';
import { createRouter } from '../security/strict-router.ts';
import { consoleMeta, consoleUser } from './console-context.ts';
import { CONSOLE_SIGN_IN_COOKIE, setSessionCookie, setSignInCookie } from './console-cookies.ts';
import type { ConsolePages } from './console-pages.ts';

export interface ConsoleSignInDeps {
  issuer: string;
  access: ConsoleAccess;
  redeem: ConsoleCodeRedeemer;
  pages: ConsolePages;
  cookieKeys: readonly string[];
}

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

/** Only a console path of this site: never another origin, never a protocol-relative `//host`. */
function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && value.length <= 500 && /^\/console(?:[/?][^\\\s]*)?$/.test(value) && !value.includes('//') ? value : '/console';
}

/** The sign-in routes anyone may reach (they start or finish a sign-in). */
export function consoleSignInRoutes({ issuer, access, redeem, pages, cookieKeys }: ConsoleSignInDeps): Router {
  const router = createRouter();
  const sealer = createPayloadSealer(cookieKeys, 'console-sign-in-v1');
  const failed = () => badRequest(undefined, t('console_sign_in_failed'));

  router.get('/console/login', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const pending: PendingSignIn = { state: randomBytes(16).toString('base64url'), verifier: randomBytes(32).toString('base64url'), returnTo: safeReturnTo(ctx.query.return_to) };
    setSignInCookie(ctx, sealer.seal(pending));
    ctx.status = 303;
    ctx.redirect(consoleAuthorizationUrl(issuer, { state: pending.state, verifier: pending.verifier }));
  });

  router.get('/console/callback', async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    const sealed = ctx.cookies.get(CONSOLE_SIGN_IN_COOKIE);
    setSignInCookie(ctx, null);
    let pending: PendingSignIn | null = null;
    try {
      pending = sealed ? sealer.open<PendingSignIn>(sealed) : null;
    } catch {
      pending = null;
    }
    // The state ties this answer to the sign-in this browser started (no login CSRF).
    if (!pending || typeof ctx.query.state !== 'string' || ctx.query.state !== pending.state) throw failed();
    if (typeof ctx.query.error === 'string') throw failed();
    const accountId = typeof ctx.query.code === 'string' ? await redeem(ctx.query.code, pending.verifier) : null;
    if (!accountId) throw failed();
    try {
      const { cookie } = await access.signIn(accountId, consoleMeta(ctx));
      setSessionCookie(ctx, cookie);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 403) throw error;
      return pages.bare(ctx, 'forbidden', t('console_forbidden_heading'), { sign_out_url: consoleSignOutUrl(issuer) }, 403);
    }
    // A page, not a redirect: a SameSite=Strict cookie set at the end of a redirect chain that began
    // on another site would not be sent on its last hop; a navigation from this page is same-site.
    pages.bare(ctx, 'signed-in', t('console_signed_in_title'), { return_to: pending.returnTo });
  });

  return router;
}

/** Signing out: behind the console guard (it is a POST with the CSRF token). */
export function consoleSignOutRoute(router: Router, { issuer, access }: Pick<ConsoleSignInDeps, 'issuer' | 'access'>): void {
  router.post('/console/logout', async (ctx) => {
    await access.signOut(consoleUser(ctx).session);
    setSessionCookie(ctx, null);
    ctx.status = 303;
    ctx.redirect(consoleSignOutUrl(issuer));
  });
}
