// The upstream sign-in on the hosted pages: "Continue with {name}" (a form post from the sign-in
// or sign-up page), the callback registered at the upstream, and the hand-back to the interaction.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { koaBody } from 'koa-body';
import { createRouter } from '../security/strict-router.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf, CSRF_FIELD } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { InviteTokenParam } from '../oidc/invite-token-param.ts';
import type { SessionAccount } from '../oidc/session-account.ts';
import { loadInteraction } from '../interaction/page-context.ts';
import { finishInteraction, signedIn } from '../interaction/finish.ts';
import type { FederationService } from './federation-service.ts';
import type { FederationCookies } from './federation-cookies.ts';
import { federationDonePath } from './federation-paths.ts';
import { UPSTREAM_SIGN_IN } from './upstream-amr.ts';

export interface FederationRouteDeps {
  issuer: string;
  provider: Provider;
  federation: FederationService;
  cookies: FederationCookies;
  views: ViewEngine;
  sessionAccount: SessionAccount;
  inviteTokenParam: InviteTokenParam;
}

/** A refusal as a page, with the way back (the sign-in it came from, or the account page). */
function renderRefusal(ctx: Context, views: ViewEngine, error: AppError, back: { href: string; text: string } | null): void {
  ctx.set(error.headers);
  ctx.status = error.status;
  ctx.type = 'html';
  ctx.body = views.render('error', { title: t('error_title'), heading: t('error_title'), message: error.message, action: back ?? undefined });
}

export function federationRoutes({ issuer, provider, federation, cookies, views, sessionAccount, inviteTokenParam }: FederationRouteDeps): Router {
  const router = createRouter();
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '8kb' });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.post('/interaction/:uid/federation/:provider', form, async (ctx) => {
    const loaded = await loadInteraction(provider, ctx);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    // The invitation of the sign-up page (typed, or from the link), else the one the app carried in.
    const typed = typeof body.invite_token === 'string' ? body.invite_token.trim().slice(0, 200) : '';
    const inviteToken = typed || inviteTokenParam.open(loaded.details.params) || null;
    try {
      const { url, pending } = await federation.begin(String(ctx.params.provider));
      cookies.rememberPending(ctx, { ...pending, providerId: String(ctx.params.provider), uid: loaded.details.uid, inviteToken });
      ctx.status = 303;
      ctx.redirect(url);
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose || error.status === 404) throw error;
      renderRefusal(ctx, views, error, { href: `/interaction/${loaded.details.uid}`, text: t('federation_back') });
    }
  });

  router.get('/federation/:provider/callback', async (ctx) => {
    const providerId = String(ctx.params.provider);
    const pending = cookies.takePending(ctx, providerId);
    if (!pending) return renderRefusal(ctx, views, new AppError('upstream_failed'), null);
    // The URL the upstream sent the browser to, from the issuer (never the Host header): it is the registered redirect URI.
    const callbackUrl = new URL(`${issuer}${ctx.path}${ctx.querystring ? `?${ctx.querystring}` : ''}`);
    const meta = requestMeta(ctx);
    if (pending.linkTo) {
      try {
        // The same person must still be signed in here as the one who asked to link.
        if ((await sessionAccount(ctx))?.id !== pending.linkTo) throw new AppError('account_signed_out');
        await federation.link(providerId, callbackUrl, pending, pending.linkTo, meta);
        ctx.status = 303;
        ctx.redirect('/account?federation=linked');
      } catch (error) {
        if (!(error instanceof AppError) || !error.expose) throw error;
        renderRefusal(ctx, views, error, { href: '/account', text: t('account_title') });
      }
      return;
    }
    const uid = pending.uid!;
    try {
      const account = await federation.signIn(providerId, callbackUrl, pending, { inviteToken: pending.inviteToken }, meta);
      cookies.rememberSignedIn(ctx, uid, account.id);
      ctx.status = 303;
      ctx.redirect(federationDonePath(uid));
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose) throw error;
      renderRefusal(ctx, views, error, { href: `/interaction/${uid}`, text: t('federation_back') });
    }
  });

  router.get('/interaction/:uid/federation', async (ctx) => {
    const loaded = await loadInteraction(provider, ctx);
    const accountId = cookies.takeSignedIn(ctx, loaded.details.uid);
    if (!accountId) return renderRefusal(ctx, views, new AppError('upstream_failed'), { href: `/interaction/${loaded.details.uid}`, text: t('federation_back') });
    await finishInteraction(provider, ctx, signedIn(accountId, UPSTREAM_SIGN_IN));
  });

  return router;
}
