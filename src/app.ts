// createApp: the koa application over the services — middleware order, routers, and
// oidc-provider mounted last, so every path we do not own is the provider's.
import Koa, { type Context } from 'koa';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type Provider from 'oidc-provider';
import { errorMiddleware, notFound } from './errors.ts';
import { formatMessage } from './i18n/format-message.ts';
import { createProvider } from './oidc/provider.ts';
import { createServices, type ServiceDeps } from './services.ts';
import { bulkBody, jsonBody } from './body-parsers.ts';
import { createViewEngine } from './views/view-engine.ts';
import { createProviderPages } from './views/provider-pages.ts';
import { assetRoutes } from './views/asset-routes.ts';
import { requestContext } from './security/request-context.ts';
import { securityHeaders } from './security/security-headers.ts';
import { requestLogger } from './logging/request-logger.ts';
import { healthRoutes } from './health/health-routes.ts';
import { interactionRoutes } from './interaction/interaction-routes.ts';
import { inviteLinkRoutes } from './interaction/invite-link-routes.ts';
import { welcomeRoutes } from './member/welcome-routes.ts';
import { registerRoutes } from './api/register-routes.ts';
import { inviteCheckRoutes } from './api/invite-check-routes.ts';
import { adminInviteRoutes } from './admin/invite-routes.ts';
import { requireScope } from './security/bearer-guard.ts';
import { accountClient, adminClient, relyingParties } from './oidc/clients.ts';
import { adminAuditRoutes } from './admin/audit-routes.ts';
import { adminUserRoutes } from './admin/user-routes.ts';
import { openApiRoutes } from './openapi.ts';
import { memberInviteRoutes } from './member/member-invite-routes.ts';
import { accountPageRoutes } from './member/account-page-routes.ts';
import { discoveryCache } from './oidc/discovery-cache.ts';
import { createIssuerOriginPin } from './oidc/pin-issuer-origin.ts';
import { createLogoutReceivers } from './oidc/logout-receivers.ts';
import { createSingleLogout } from './oidc/single-logout.ts';

export const VIEWS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'interactions');

export type AppDeps = Omit<ServiceDeps, 'clock' | 'apps' | 'endAppSessions'> & {
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
  const logoutReceivers = createLogoutReceivers({ store: store.oidc, clock, clients: apps });
  const provider: Provider = createProvider({
    config,
    secrets,
    store,
    clock,
    pages: createProviderPages(views),
    clients: [...apps, adminClient(secrets), accountClient(config)],
    logoutReceivers,
  });
  const singleLogout = createSingleLogout({ provider, receivers: logoutReceivers, logger });
  const services = createServices({ ...deps, clock, apps, endAppSessions: singleLogout.signOutEverywhere });
  const { auditLog, invites, members, registration, signIn, accountAdmin, verification } = services;

  // Behind a trusted proxy the client is the last address it appended to X-Forwarded-For
  // (maxIpsCount 1): entries to its left are whatever the client sent, and could be forged.
  const app = new Koa({ keys: secrets.cookieKeys, proxy: config.trust_proxy, maxIpsCount: 1 });
  const json = jsonBody();
  const bulk = bulkBody();
  const adminGuard = requireScope(provider, store.accounts, 'admin');

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
        ctx.body = views.render('error', { title: formatMessage('error_title'), heading: formatMessage(code === 'not_found' ? 'error_page_not_found' : 'error_title'), message });
      },
      log: (error, ctx) => logger.error({ err: error, request_id: ctx.state.requestId }, 'request failed'),
    }),
  );

  const routers = [
    healthRoutes({ store, isDraining: () => draining }),
    assetRoutes({ viewsDir: VIEWS_DIR, accentColor: config.accent_color }),
    interactionRoutes({ provider, views, invites, registration, signIn, store, verification, config }),
    inviteLinkRoutes({ config, invites, views }),
    welcomeRoutes({ config, provider, store, views }),
    accountPageRoutes({ config, provider, store, members, views, clock, viewsDir: VIEWS_DIR }),
    inviteCheckRoutes({ invites }),
    openApiRoutes({ issuer: config.issuer }),
  ];
  for (const router of routers) app.use(router.routes());

  const api = registerRoutes({ verification });
  app.use(async (ctx, next) => (ctx.path.startsWith('/api/') ? json(ctx, next) : next()));
  app.use(api.routes());

  const admin = adminInviteRoutes({ config, invites, clock });
  app.use(async (ctx, next) => (ctx.path.startsWith('/admin') ? adminGuard(ctx, () => (ctx.path === '/admin/invites/bulk' ? bulk : json)(ctx, next)) : next()));
  app.use(admin.routes());
  app.use(admin.allowedMethods());
  const adminAudit = adminAuditRoutes({ auditLog });
  app.use(adminAudit.routes());
  app.use(adminAudit.allowedMethods());
  const adminUsers = adminUserRoutes({ accounts: accountAdmin });
  app.use(adminUsers.routes());
  app.use(adminUsers.allowedMethods());

  // A member's own invitations: a user access token with scope `invites`.
  const memberGuard = requireScope(provider, store.accounts, 'invites');
  const memberApi = memberInviteRoutes({ config, members, clock });
  app.use(async (ctx, next) => (ctx.path === '/account/invites' || ctx.path.startsWith('/account/invites/') ? memberGuard(ctx, () => json(ctx, next)) : next()));
  app.use(memberApi.routes());
  app.use(memberApi.allowedMethods());

  // An /api, /admin or /account/invites path nobody owns is a JSON 404, not the provider's plain-text one.
  app.use(async (ctx, next) => (/^\/(api|admin|account\/invites)(\/|$)/.test(ctx.path) ? Promise.reject(notFound()) : next()));

  // Everything else is oidc-provider's (discovery, /auth, /token, /me, /jwks...).
  const oidc = provider.callback();
  const pinIssuerOrigin = createIssuerOriginPin(config.issuer, config.trust_proxy);
  app.use(async (ctx) => {
    pinIssuerOrigin(ctx.req);
    ctx.respond = false;
    await oidc(ctx.req, ctx.res);
  });

  if (deps.startWorkers !== false) services.startWorkers();

  return {
    app,
    provider,
    /** The relying parties, for the start-up check of their metadata (client-metadata-validation.ts). */
    apps,
    services,
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
