// createApp: the koa application over the services — middleware order, routers, and
// oidc-provider mounted last, so every path we do not own is the provider's.
import Koa, { type Context } from 'koa';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type Provider from 'oidc-provider';
import { answersJson, errorMiddleware, notFound } from './errors.ts';
import { t } from './i18n/format-message.ts';
import { createProvider } from './oidc/provider.ts';
import { createServices, type ServiceDeps } from './services.ts';
import { guardedRouter, routeTable } from './security/strict-router.ts';
import { createViewEngine } from './views/view-engine.ts';
import { createProviderPages } from './views/provider-pages.ts';
import { assetRoutes } from './views/asset-routes.ts';
import { requestContext } from './security/request-context.ts';
import { securityHeaders } from './security/security-headers.ts';
import { requestLogger } from './logging/request-logger.ts';
import { healthRoutes } from './health/health-routes.ts';
import { interactionRoutes } from './interaction/interaction-routes.ts';
import { mfaInteractionRoutes } from './interaction/mfa-interaction-routes.ts';
import { createInteractionProofs } from './interaction/interaction-proof.ts';
import { passkeyAssetRoutes } from './views/passkey-asset-routes.ts';
import { accountSecurityRoutes } from './member/account-security-routes.ts';
import { createSessionSignIn } from './oidc/session-sign-in.ts';
import { adminMfaRoutes } from './admin/mfa-routes.ts';
import { inviteLinkRoutes } from './interaction/invite-link-routes.ts';
import { welcomeRoutes } from './member/welcome-routes.ts';
import { registerRoutes } from './api/register-routes.ts';
import { inviteCheckRoutes } from './api/invite-check-routes.ts';
import { adminInviteRoutes } from './admin/invite-routes.ts';
import { requireScope } from './security/bearer-guard.ts';
import { accountClient, adminClient, relyingParties } from './oidc/clients.ts';
import { adminAuditRoutes } from './admin/audit-routes.ts';
import { adminUserRoutes } from './admin/user-routes.ts';
import { openApiRoutes } from './openapi/openapi-routes.ts';
import { memberInviteRoutes } from './member/member-invite-routes.ts';
import { accountPageRoutes } from './member/account-page-routes.ts';
import { discoveryCache } from './oidc/discovery-cache.ts';
import { createIssuerOriginPin } from './oidc/pin-issuer-origin.ts';
import { isProviderPath } from './oidc/provider-routes.ts';
import { createInviteTokenParam } from './oidc/invite-token-param.ts';
import { createSessionAccount } from './oidc/session-account.ts';

export const VIEWS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'interactions');

export type AppDeps = Omit<ServiceDeps, 'clock' | 'apps'> & {
  clock?: () => Date;
  /** Background workers (mail, webhooks, retention) start with the app unless false (tests drive them by hand). */
  startWorkers?: boolean;
};

export function createApp(deps: AppDeps) {
  const { config, store, secrets, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  let draining = false;

  const views = createViewEngine(config, VIEWS_DIR);
  const apps = relyingParties(config);
  const inviteTokenParam = createInviteTokenParam(secrets.cookieKeys);
  const provider: Provider = createProvider({
    inviteTokenParam,
    config,
    secrets,
    store,
    clock,
    pages: createProviderPages(views),
    clients: [...apps, adminClient(secrets), accountClient(config)],
    // Read at request time, once the services below exist.
    mfaStanding: (accountId) => services.mfa.status.standingOf(accountId),
  });
  const services = createServices({ ...deps, clock, apps });
  const { auditLog, invites, members, memberAccounts, signIn, accountAdmin, signUp } = services;
  const sessionAccount = createSessionAccount(provider, memberAccounts);
  const interactionDeps = {
    provider,
    views,
    invites,
    signIn,
    signUp,
    config,
    inviteTokenParam,
    mfa: services.mfa,
    members: memberAccounts,
    proofs: createInteractionProofs(secrets.cookieKeys, clock),
  };

  // Behind a trusted proxy the client is the last address it appended to X-Forwarded-For
  // (maxIpsCount 1): entries to its left are whatever the client sent, and could be forged.
  const app = new Koa({ keys: secrets.cookieKeys, proxy: config.trust_proxy, maxIpsCount: 1 });

  // Discovery and JWKS are fixed per process: served from a copy ahead of everything, with the
  // request id, security headers and log line the stack below would give them.
  app.use(discoveryCache({ hsts: config.issuer.startsWith('https://'), logger }));
  app.use(requestContext());
  app.use(requestLogger(logger));
  app.use(securityHeaders({ hsts: config.issuer.startsWith('https://') }));
  app.use(
    errorMiddleware({
      renderPage: (ctx: Context, _status, code, message) => {
        ctx.type = 'html';
        ctx.body = views.render('error', { title: t('error_title'), heading: t(code === 'not_found' ? 'error_page_not_found' : 'error_title'), message });
      },
      log: (error, ctx) => logger.error({ err: error, request_id: ctx.state.requestId }, 'request failed'),
    }),
  );

  // Each router owns its guard: @koa/router runs a router's middleware only for a route it matched,
  // and every router matches exact spellings only (security/strict-router.ts).
  const adminGuard = requireScope(provider, store.accounts, { scope: 'admin', clientId: secrets.adminClientId });
  const memberGuard = requireScope(provider, store.accounts, { scope: 'invites' });
  const apiRouters = [inviteCheckRoutes({ invites }), registerRoutes({ signUp })];
  const adminRouters = [adminInviteRoutes({ config, invites, clock }), adminAuditRoutes({ auditLog }), adminUserRoutes({ accounts: accountAdmin }), adminMfaRoutes({ mfa: services.mfa.admin })];
  // A member's own invitations: a user access token with scope `invites`.
  const memberApiRouters = [memberInviteRoutes({ config, members, clock })];
  const routers = [
    healthRoutes({ store, isDraining: () => draining }),
    assetRoutes({ viewsDir: VIEWS_DIR, accentColor: config.accent_color }),
    interactionRoutes(interactionDeps),
    mfaInteractionRoutes(interactionDeps),
    passkeyAssetRoutes({ viewsDir: VIEWS_DIR }),
    inviteLinkRoutes({ config, invites, views }),
    welcomeRoutes({ config, provider, invites, sessionAccount, views }),
    accountPageRoutes({ config, accounts: memberAccounts, sessionAccount, members, views, clock, viewsDir: VIEWS_DIR }),
    accountSecurityRoutes({ config, sessionSignIn: createSessionSignIn(provider, memberAccounts), factors: services.mfa.factors, views }),
    ...apiRouters,
    // Public, ahead of the admin router: shapes only, no data.
    openApiRoutes({ issuer: config.issuer, groups: [{ routers: apiRouters }, { routers: adminRouters, security: 'admin' }, { routers: memberApiRouters, security: 'member' }] }),
    guardedRouter(adminGuard, adminRouters),
    guardedRouter(memberGuard, memberApiRouters),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  // An /api, /admin or /account/invites path nobody owns, however it is spelled, is a JSON 404,
  // not the provider's plain-text one.
  app.use(async (ctx, next) => (answersJson(ctx.path) ? Promise.reject(notFound()) : next()));

  // Everything else is oidc-provider's (discovery, /auth, /token, /me, /jwks...).
  const oidc = provider.callback();
  const pinIssuerOrigin = createIssuerOriginPin(config.issuer, config.trust_proxy);
  app.use(async (ctx) => {
    // Only the provider's endpoints, spelled exactly: its own router would take any case.
    if (!isProviderPath(ctx.path)) throw notFound();
    pinIssuerOrigin(ctx.req);
    ctx.respond = false;
    await oidc(ctx.req, ctx.res);
  });

  if (deps.startWorkers !== false) services.startWorkers();

  return {
    app,
    provider,
    services,
    /** Every route Guestlist's own routers answer (the provider's are in its discovery document). */
    routes: routeTable(routers),
    startDraining() {
      draining = true;
    },
    /** Stops background workers; the store is closed by whoever opened it. */
    async stop() {
      draining = true;
      await services.stopWorkers();
    },
  };
}

export type GuestlistApp = ReturnType<typeof createApp>;
