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
import { createReadiness } from './health/readiness.ts';
import { interactionRoutes } from './interaction/interaction-routes.ts';
import { mfaInteractionRoutes } from './interaction/mfa-interaction-routes.ts';
import { createInteractionProofs } from './interaction/interaction-proof.ts';
import { passkeyAssetRoutes } from './views/passkey-asset-routes.ts';
import { accountFactorsRoutes } from './member/account-factors-routes.ts';
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
import { createLogoutReceivers } from './oidc/logout-receivers.ts';
import { createSingleLogout } from './oidc/single-logout.ts';
import { federationRoutes } from './federation/federation-routes.ts';
import { createFederationCookies } from './federation/federation-cookies.ts';
import { linkedAccountsRoutes, createLinkedAccountsSection } from './member/linked-accounts-routes.ts';
import { createSecondFactorsSection } from './member/second-factors-section.ts';
import { consoleClient, createConsoleCodeRedeemer } from './oidc/console-client.ts';
import { consoleRouters } from './console/console-routes.ts';
import { waitlistApiRoutes } from './api/waitlist-routes.ts';
import { adminWaitlistRoutes } from './admin/waitlist-routes.ts';
import { waitlistPageRoutes } from './interaction/waitlist-page-routes.ts';
import { recoveryRoutes } from './api/recovery-routes.ts';
import { adminUserRecoveryRoutes } from './admin/user-recovery-routes.ts';
import { createAccountSessions } from './oidc/account-sessions.ts';
import { accountSecurityRoutes, accountSecuritySection } from './member/account-security-routes.ts';
import { createAccountPageRenderer } from './member/account-page-routes.ts';
import { adminUserEmailRoutes } from './admin/user-email-routes.ts';
import { recoveryPageRoutes } from './interaction/recovery-page-routes.ts';

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
  const inviteTokenParam = createInviteTokenParam(secrets.cookieKeys);
  const logoutReceivers = createLogoutReceivers({ store: store.oidc, clock, clients: apps });
  const provider: Provider = createProvider({
    inviteTokenParam,
    config,
    secrets,
    store,
    clock,
    pages: createProviderPages(views),
    clients: [...apps, adminClient(secrets), accountClient(config), consoleClient(config)],
    logoutReceivers,
    // Read at request time, once the services below exist.
    mfaStanding: (accountId) => services.mfa.status.standingOf(accountId),
  });
  const singleLogout = createSingleLogout({ provider, receivers: logoutReceivers, logger });
  const accountSessions = createAccountSessions(provider, store.oidc, singleLogout);
  const services = createServices({ ...deps, clock, apps, endAppSessions: singleLogout.signOutEverywhere, sessions: accountSessions });
  const { auditLog, invites, members, memberAccounts, signIn, accountAdmin, signUp, waitlist, waitlistReview, federation, recovery } = services;
  const sessionAccount = createSessionAccount(provider, memberAccounts);
  const federationCookies = createFederationCookies(secrets.cookieKeys, clock);
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
    upstreamButtons: () => federation.buttons(),
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
  const apiRouters = [inviteCheckRoutes({ invites }), registerRoutes({ signUp }), recoveryRoutes({ recovery })];
  const adminRouters = [adminInviteRoutes({ config, invites, clock }), adminAuditRoutes({ auditLog }), adminUserRoutes({ accounts: accountAdmin }), adminUserRecoveryRoutes({ recovery }), adminUserEmailRoutes({ selfService: services.selfService })];
  // The waitlist: its API and admin routes always exist (and are documented); the public ones
  // answer 404 while enable_waitlist is off.
  apiRouters.push(waitlistApiRoutes({ waitlist }));
  adminRouters.push(adminWaitlistRoutes({ config, review: waitlistReview, clock }));
  adminRouters.push(adminMfaRoutes({ mfa: services.mfa.admin }));
  // A member's own invitations: a user access token with scope `invites`.
  const memberApiRouters = [memberInviteRoutes({ config, members, clock })];
  // The account page's own security section: password, email, sessions and apps.
  const security = { config, selfService: services.selfService, memberSessions: services.memberSessions!, accountSessions };
  const securitySection = accountSecuritySection(security);
  // The sections of /account other modules add: password, email, sessions and apps; second factors;
  // linked upstream accounts.
  const accountSections = [securitySection, createSecondFactorsSection({ factors: services.mfa.factors, accounts: memberAccounts }), createLinkedAccountsSection(federation)];
  const routers = [
    healthRoutes({ readiness: createReadiness({ store, isDraining: () => draining }) }),
    assetRoutes({ viewsDir: VIEWS_DIR, accentColor: config.accent_color }),
    interactionRoutes(interactionDeps),
    mfaInteractionRoutes(interactionDeps),
    passkeyAssetRoutes({ viewsDir: VIEWS_DIR }),
    federationRoutes({ issuer: config.issuer, provider, federation, cookies: federationCookies, views, sessionAccount, inviteTokenParam }),
    inviteLinkRoutes({ config, invites, views }),
    recoveryPageRoutes({ config, views, recovery }),
    welcomeRoutes({ config, provider, invites, sessionAccount, views }),
    accountPageRoutes({ config, accounts: memberAccounts, sessionAccount, members, views, clock, viewsDir: VIEWS_DIR, sections: accountSections }),
    accountSecurityRoutes({ ...security, render: createAccountPageRenderer({ accounts: memberAccounts, members, views, clock, sections: accountSections }) }),
    accountFactorsRoutes({ config, sessionSignIn: createSessionSignIn(provider, memberAccounts), factors: services.mfa.factors, views }),
    linkedAccountsRoutes({ federation, cookies: federationCookies, sessionAccount, views }),
    waitlistPageRoutes({ config, waitlist, views }),
    // The admin console: its sign-in routes, and its screens behind its own session guard.
    ...consoleRouters({
      config,
      services,
      apps,
      views: createViewEngine(config, join(VIEWS_DIR, 'console')),
      redeem: createConsoleCodeRedeemer(provider, config.issuer),
      cookieKeys: secrets.cookieKeys,
      clock,
      viewsDir: join(VIEWS_DIR, 'console'),
    }),
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
    /** The relying parties, for the start-up check of their metadata (client-metadata-validation.ts). */
    apps,
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
