// The hosted /recovery pages: "Forgot your password?" → the email → the code (bound to this browser)
// → a new password → "sign in with it". Every state change is a POST; opening a link only shows a page.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { createRouter } from '../security/strict-router.ts';
import type { Config } from '../config.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { RecoveryService } from '../recovery/recovery-service.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf, CSRF_FIELD, csrfToken } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { emailSchema } from '../email-address.ts';
import { placeRefusal } from './refusal-placement.ts';
import { accountClientAuthorizationUrl } from '../oidc/clients.ts';

export interface RecoveryPageDeps {
  config: Pick<Config, 'issuer' | 'password_min_length' | 'recovery_code_minutes'>;
  views: ViewEngine;
  recovery: RecoveryService;
}

/**
 * The recovery this browser asked for rides in a signed cookie (never in a URL): a code is only
 * accepted from the browser that asked, so a code read over someone's shoulder or a forwarded email
 * is useless elsewhere.
 */
const FLOW = 'gl.recovery';
/** The reset token the right code earned (or an admin's link brought), likewise never left in a URL. */
const RESET = 'gl.recovery_reset';
/** The sign-in page the person came from, to go back to once the password is set. */
const RETURN = 'gl.recovery_return';
const UID = /^[A-Za-z0-9_-]{1,64}$/;

interface Flow {
  id: string;
  email: string;
}

export function recoveryPageRoutes({ config, views, recovery }: RecoveryPageDeps): Router {
  const router = createRouter();
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '8kb' });
  const cookie = (ctx: Context) => ({ signed: true, httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: '/recovery', overwrite: true });

  const readFlow = (ctx: Context): Flow | null => {
    const raw = ctx.cookies.get(FLOW, { signed: true });
    if (!raw) return null;
    try {
      const flow = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Flow;
      return typeof flow.id === 'string' && typeof flow.email === 'string' ? flow : null;
    } catch {
      return null;
    }
  };
  const returnUid = (ctx: Context) => {
    const uid = ctx.cookies.get(RETURN, { signed: true });
    return uid && UID.test(uid) ? uid : null;
  };
  const signInUrl = (ctx: Context) => {
    const uid = returnUid(ctx);
    return uid ? `/interaction/${uid}/login` : accountClientAuthorizationUrl(config.issuer, 'accountPage');
  };
  const render = (ctx: Context, view: string, status: number, data: Record<string, unknown>) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = views.render(view, { csrf: csrfToken(ctx), sign_in_url: signInUrl(ctx), ...data });
  };
  /** An exposed refusal, with its Retry-After; anything else is a bug and goes to the error page. */
  const refusalOf = (ctx: Context, error: unknown): AppError => {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    return error;
  };

  router.use(async (ctx, next) => {
    // Codes, tokens and one-off pages: never cached, anywhere.
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  const askPage = (ctx: Context, status = 200, extra: Record<string, unknown> = {}) => render(ctx, 'recovery', status, { title: t('recovery_title'), email: '', errors: {}, ...extra });

  router.get('/recovery', (ctx) => {
    // From a sign-in page: remember it, so "Sign in" at the end goes back to the app's sign-in.
    const uid = typeof ctx.query.interaction === 'string' && UID.test(ctx.query.interaction) ? ctx.query.interaction : null;
    if (uid) ctx.cookies.set(RETURN, uid, cookie(ctx));
    const email = typeof ctx.query.email === 'string' ? ctx.query.email.slice(0, 254) : '';
    askPage(ctx, 200, { email });
  });

  router.post('/recovery', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const typed = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    const parsed = emailSchema.safeParse(typed);
    if (!parsed.success) return askPage(ctx, 400, { email: typed, errors: { email: `${t('label_email')} ${parsed.error.issues[0]?.message ?? 'is not valid'}.` } });
    try {
      const requested = await recovery.request(parsed.data, requestMeta(ctx));
      ctx.cookies.set(FLOW, Buffer.from(JSON.stringify({ id: requested.recoveryId, email: parsed.data } satisfies Flow)).toString('base64url'), cookie(ctx));
      ctx.cookies.set(RESET, null, cookie(ctx));
      // The same redirect for every address: what comes next says "if it has an account".
      ctx.status = 303;
      ctx.redirect('/recovery/code');
    } catch (error) {
      const refusal = refusalOf(ctx, error);
      askPage(ctx, refusal.status, { email: typed, error: refusal.message });
    }
  });

  const codePage = (ctx: Context, flow: Flow | null, status = 200, extra: Record<string, unknown> = {}) =>
    render(ctx, 'recovery-code', flow ? status : 400, {
      title: t('recovery_code_title'),
      flow_missing: !flow,
      lead: flow ? t('recovery_code_lead', { email: flow.email, minutes: config.recovery_code_minutes }) : null,
      code: '',
      errors: {},
      ...extra,
    });

  router.get('/recovery/code', (ctx) => {
    // The emailed link only fills the code in; it is used when the person presses the button (a POST).
    const code = typeof ctx.query.code === 'string' && /^\d{8}$/.test(ctx.query.code) ? ctx.query.code : '';
    codePage(ctx, readFlow(ctx), 200, { code });
  });

  router.post('/recovery/code', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const flow = readFlow(ctx);
    if (!flow) return codePage(ctx, null);
    const code = typeof body.code === 'string' ? body.code.replace(/\s+/g, '').slice(0, 16) : '';
    try {
      const verified = await recovery.verify({ recoveryId: flow.id, code }, requestMeta(ctx));
      ctx.cookies.set(FLOW, null, cookie(ctx));
      ctx.cookies.set(RESET, verified.resetToken, cookie(ctx));
      ctx.status = 303;
      ctx.redirect('/recovery/reset');
    } catch (error) {
      const refusal = refusalOf(ctx, error);
      const { status, field, message } = placeRefusal(refusal);
      if (field === 'code') return codePage(ctx, flow, status, { errors: { code: message } });
      codePage(ctx, flow, status, { error: message, error_link: { href: '/recovery', text: t('recovery_send_button') } });
    }
  });

  const resetPage = (ctx: Context, email: string | null, status = 200, extra: Record<string, unknown> = {}) =>
    render(ctx, 'recovery-reset', email ? status : 400, {
      title: t('recovery_reset_title'),
      ended: !email,
      email,
      password_min: config.password_min_length,
      errors: {},
      ...(email ? {} : { error: t('reset_token_invalid'), error_link: { href: '/recovery', text: t('recovery_send_button') } }),
      ...extra,
    });

  router.get('/recovery/reset', async (ctx) => {
    const fromLink = typeof ctx.query.token === 'string' ? ctx.query.token.slice(0, 100) : null;
    if (fromLink) {
      // An admin's link: the token moves to a cookie and leaves the address bar (and Referer) at once.
      ctx.cookies.set(RESET, fromLink, cookie(ctx));
      ctx.status = 303;
      ctx.redirect('/recovery/reset');
      return;
    }
    const token = ctx.cookies.get(RESET, { signed: true });
    resetPage(ctx, token ? ((await recovery.describeReset(token))?.email ?? null) : null);
  });

  router.post('/recovery/reset', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const token = ctx.cookies.get(RESET, { signed: true }) ?? '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    try {
      await recovery.complete({ resetToken: token, password }, requestMeta(ctx));
    } catch (error) {
      const refusal = refusalOf(ctx, error);
      if (refusal.code === 'weak_password') {
        const reason = (refusal.details?.[0] as { message?: string } | undefined)?.message ?? refusal.message;
        return resetPage(ctx, (await recovery.describeReset(token))?.email ?? null, 400, { errors: { password: `${t('label_password')} ${reason}.` } });
      }
      return resetPage(ctx, null, refusal.status);
    }
    ctx.cookies.set(RESET, null, cookie(ctx));
    // Not signed in: the person signs in with the new password like anyone, second factors and all.
    render(ctx, 'recovery-done', 200, { title: t('recovery_done_title') });
    ctx.cookies.set(RETURN, null, cookie(ctx));
  });

  return router;
}
