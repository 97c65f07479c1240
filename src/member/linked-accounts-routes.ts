// The member's linked upstream accounts on /account: the page section (its view data), linking
// (off to the upstream, back through the federation callback) and unlinking.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { createRouter } from '../security/strict-router.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf, CSRF_FIELD } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { humanUtc } from '../mail/human-date.ts';
import type { SessionAccount } from '../oidc/session-account.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { FederationService } from '../federation/federation-service.ts';
import type { FederationCookies } from '../federation/federation-cookies.ts';
import type { AccountSection } from './account-page-routes.ts';

/** The outcomes the callback and the unlink send the member back with (`/account?federation=`). */
const NOTICES = { linked: 'federation_linked', unlinked: 'federation_unlinked' } as const;

export function createLinkedAccountsSection(federation: FederationService): AccountSection {
  return async (ctx, accountId) => {
    const query = ctx.query;
    const providers = federation.buttons();
    if (!providers.length) return {};
    const links = await federation.linkedAccounts(accountId);
    const flag = typeof query.federation === 'string' && Object.hasOwn(NOTICES, query.federation) ? NOTICES[query.federation as keyof typeof NOTICES] : null;
    return {
      linked_accounts: {
        notice: flag ? t(flag) : undefined,
        links: links.map((link) => ({ id: link.id, provider_id: link.providerId, provider_name: link.providerName, email: link.email, linked_at: humanUtc(link.linkedAt) })),
        // One link per provider from this page: linking a second account of the same provider is rarely meant.
        linkable: providers.filter((provider) => !links.some((link) => link.providerId === provider.id)).map((provider) => ({ id: provider.id, label: t('federation_link', { name: provider.name }) })),
      },
    };
  };
}

export interface LinkedAccountsRouteDeps {
  federation: FederationService;
  cookies: FederationCookies;
  sessionAccount: SessionAccount;
  views: ViewEngine;
}

export function linkedAccountsRoutes({ federation, cookies, sessionAccount, views }: LinkedAccountsRouteDeps): Router {
  const router = createRouter();
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '8kb' });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  /** The signed-in member after the form's CSRF check, or 401. */
  async function member(ctx: Context): Promise<string> {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const account = await sessionAccount(ctx);
    if (!account) throw new AppError('account_signed_out');
    return account.id;
  }

  function refusal(ctx: Context, error: unknown): void {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    ctx.status = error.status;
    ctx.type = 'html';
    ctx.body = views.render('error', { title: t('error_title'), heading: t('error_title'), message: error.message, action: { href: '/account', text: t('account_title') } });
  }

  router.post('/account/federation/:provider/link', form, async (ctx) => {
    const accountId = await member(ctx);
    const providerId = String(ctx.params.provider);
    try {
      const { url, pending } = await federation.begin(providerId);
      cookies.rememberPending(ctx, { ...pending, providerId, linkTo: accountId });
      ctx.status = 303;
      ctx.redirect(url);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) throw error;
      refusal(ctx, error);
    }
  });

  router.post('/account/federation/unlink', form, async (ctx) => {
    const accountId = await member(ctx);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const linkId = typeof body.link_id === 'string' ? body.link_id.slice(0, 100) : '';
    try {
      await federation.unlink(accountId, linkId, requestMeta(ctx));
      ctx.status = 303;
      ctx.redirect('/account?federation=unlinked');
    } catch (error) {
      refusal(ctx, error);
    }
  });

  return router;
}
