// createApp: builds the services and the koa application — middleware order, routers, and
// oidc-provider mounted last, so every path we do not own is the provider's.
import Koa, { type Context } from 'koa';
import { koaBody } from 'koa-body';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type Provider from 'oidc-provider';
import type { Config } from './config.ts';
import type { Secrets } from './secrets.ts';
import type { Store } from './store/ports.ts';
import type { Logger } from './logging/logger.ts';
import { badRequest, errorMiddleware, notFound } from './errors.ts';
import { formatMessage } from './i18n/format-message.ts';
import { messageFor } from './i18n/messages.ts';
import { createProvider } from './oidc/provider.ts';
import { createViewEngine } from './views/view-engine.ts';
import { createProviderPages } from './views/provider-pages.ts';
import { assetRoutes } from './views/asset-routes.ts';
import { createAuditRecorder } from './audit/audit-recorder.ts';
import { createInviteService } from './invites/invite-service.ts';
import { createMailQueue } from './mail/mail-queue.ts';
import { createMailTransport } from './mail/create-mail-transport.ts';
import { createMailRenderer } from './mail/mail-renderer.ts';
import { createInvitationMailer } from './mail/invitation-mailer.ts';
import type { MailTransport } from './mail/mail-transport.ts';
import { createPayloadSealer } from './security/payload-sealer.ts';
import { createRegistrationService } from './accounts/registration-service.ts';
import { createSignInService } from './accounts/sign-in-service.ts';
import { requestContext } from './security/request-context.ts';
import { securityHeaders } from './security/security-headers.ts';
import { requestLogger } from './logging/request-logger.ts';
import { healthRoutes } from './health/health-routes.ts';
import { interactionRoutes } from './interaction/interaction-routes.ts';
import { inviteLinkRoutes } from './interaction/invite-link-routes.ts';
import { welcomeRoutes } from './account/welcome-routes.ts';
import { registerRoutes } from './api/register-routes.ts';
import { inviteCheckRoutes } from './api/invite-check-routes.ts';
import { adminInviteRoutes } from './admin/invite-routes.ts';
import { requireScope } from './admin/bearer-guard.ts';
import { accountClient, adminClient, relyingParties } from './oidc/clients.ts';
import { createRateLimiter } from './security/rate-limiter.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createRetentionSweeper } from './audit/retention-sweeper.ts';
import { adminAuditRoutes } from './admin/audit-routes.ts';
import { adminUserRoutes } from './admin/user-routes.ts';
import { openApiRoutes } from './admin/openapi.ts';
import { createAccountAdminService } from './accounts/account-admin-service.ts';
import { createMemberInviteService } from './invites/member-invite-service.ts';
import { memberInviteRoutes } from './account/member-invite-routes.ts';
import { accountPageRoutes } from './account/account-page-routes.ts';
import { createWebhookQueue } from './webhooks/webhook-queue.ts';
import { discoveryCache } from './oidc/discovery-cache.ts';
import { createSmsTransport } from './sms/create-sms-transport.ts';
import type { SmsTransport } from './sms/sms-transport.ts';
import { createCodeSender } from './verification/code-sender.ts';
import { createVerificationService } from './verification/verification-service.ts';
import { deriveCodeKey } from './verification/verification-codes.ts';

export const VIEWS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'interactions');

export interface AppDeps {
  config: Config;
  store: Store;
  secrets: Secrets;
  logger: Logger;
  clock?: () => Date;
  /** Replaces the mail transport (SMTP or outbox, from the config). */
  mailTransport?: MailTransport;
  /** Replaces the SMS transport (webhook or outbox, from the config). */
  smsTransport?: SmsTransport;
  /** Background workers (mail queue...) start with the app unless false (tests drive them by hand). */
  startWorkers?: boolean;
  /** Retry waits of the mail queue; tests shorten them. */
  mailBackoffMs?: number[];
  /** Retry waits of the webhook queue; tests shorten them. */
  webhookBackoffMs?: number[];
}

export function createApp(deps: AppDeps) {
  const { config, store, secrets, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  let draining = false;

  const views = createViewEngine(config, VIEWS_DIR);
  const apps = relyingParties(config);
  const provider: Provider = createProvider({
    config,
    secrets,
    store,
    clock,
    pages: createProviderPages(views),
    clients: [...apps, adminClient(secrets), accountClient(config)],
  });
  const audit = createAuditRecorder({ audit: store.audit, clock, onListenerError: (error) => logger.error({ err: error }, 'audit listener failed') });
  audit.subscribe((event) => {
    logger.info({ audit: { id: event.id, type: event.type, actor: event.actor, invite_id: event.inviteId, account_id: event.accountId, reason: event.reason }, request_id: event.requestId }, 'audit');
  });
  // Webhooks: the listener only stores a job (a request never waits on a receiver); the worker delivers.
  const webhooks = createWebhookQueue({
    jobs: store.jobs,
    clock,
    urls: { webhook: config.webhook_url, alert: config.alert_webhook_url },
    secret: config.webhook_secret,
    logger,
    backoff: deps.webhookBackoffMs,
  });
  if ((config.webhook_url || config.alert_webhook_url) && !config.webhook_secret) logger.warn({}, 'webhook_secret is unset: webhooks go out unsigned');
  audit.subscribe(async (event) => {
    await webhooks.enqueue(event);
  });
  const auditLog = createAuditLog({ audit: store.audit });
  // MongoDB drops old events through its TTL index; the embedded store needs a sweep.
  const sweeper =
    store.kind === 'embedded'
      ? createRetentionSweeper({
          audit: store.audit,
          retentionDays: config.audit_retention_days,
          clock,
          onError: (error) => logger.error({ err: error }, 'audit retention sweep failed'),
          onSwept: (count) => logger.info({ purged: count }, 'audit retention sweep'),
        })
      : null;
  const limiter = createRateLimiter({ store: store.rateLimits, config, clock, audit });
  const appIds = new Set(apps.map((client) => client.client_id));
  const mail = createMailQueue({
    store: store.jobs,
    transport: deps.mailTransport ?? createMailTransport(config, { logger }),
    renderer: createMailRenderer({ branding: config }),
    sealer: createPayloadSealer(secrets.cookieKeys),
    clock,
    logger,
    backoff: deps.mailBackoffMs,
    onDelivered: async (job) => {
      if (typeof job.meta.inviteId === 'string') await audit.record({ type: 'invite.sent', actor: String(job.meta.actor ?? 'system'), inviteId: job.meta.inviteId });
    },
    onGaveUp: async (job, reason) => {
      if (typeof job.meta.inviteId === 'string') await audit.record({ type: 'invite.send_failed', actor: String(job.meta.actor ?? 'system'), inviteId: job.meta.inviteId, reason });
    },
  });
  const mailer = createInvitationMailer({
    queue: mail,
    issuer: config.issuer,
    productName: config.product_name,
    accounts: store.accounts,
    clientName: (id) => (apps.find((client) => client.client_id === id)?.client_name as string | undefined) ?? null,
  });
  const invites = createInviteService({ store, config, clock, audit, isKnownClient: (id) => appIds.has(id), mailer, limiter });
  const registration = createRegistrationService({ store, config, clock, audit, invites, limiter });
  const signIn = createSignInService({ store, audit, limiter });
  const accountAdmin = createAccountAdminService({ store, audit });
  const members = createMemberInviteService({ store, config, invites });
  const verification = createVerificationService({
    store,
    config,
    clock,
    audit,
    registration,
    limiter,
    sender: createCodeSender({ mail, sms: deps.smsTransport ?? createSmsTransport(config, { logger, clock }), productName: config.product_name }),
    codeKey: deriveCodeKey(secrets.cookieKeys[0]!),
  });

  const app = new Koa({ keys: secrets.cookieKeys, proxy: config.trust_proxy });
  const json = koaBody({
    json: true,
    urlencoded: false,
    multipart: false,
    text: false,
    jsonLimit: '64kb',
    jsonStrict: true,
    // A body that is not a JSON object or array is the caller's 400; the size limit keeps its 413.
    onError: (error) => {
      throw (error as { status?: number }).status === 413 ? error : badRequest(undefined, messageFor('invalid_json'));
    },
  });
  // Bulk invitations only: larger bodies (1,000 rows with metadata) and text/csv besides JSON.
  const bulkBody = koaBody({
    json: true,
    urlencoded: false,
    multipart: false,
    text: true,
    textTypes: ['text/csv'],
    jsonLimit: '6mb',
    textLimit: '2mb',
    jsonStrict: true,
    onError: (error) => {
      throw (error as { status?: number }).status === 413 ? error : badRequest(undefined, messageFor('invalid_json'));
    },
  });
  const adminGuard = requireScope(provider, store.accounts, 'admin');

  // Discovery and JWKS are fixed per process: served from a copy ahead of everything, with the
  // request id, security headers and log line the stack below would give them.
  app.use(discoveryCache({ issuer: config.issuer, hsts: config.issuer.startsWith('https://'), logger }));
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
  app.use(async (ctx, next) => (ctx.path.startsWith('/admin') ? adminGuard(ctx, () => (ctx.path === '/admin/invites/bulk' ? bulkBody : json)(ctx, next)) : next()));
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
  app.use(async (ctx) => {
    ctx.respond = false;
    await oidc(ctx.req, ctx.res);
  });

  if (deps.startWorkers !== false) {
    mail.start();
    webhooks.start();
    sweeper?.start();
  }

  return {
    app,
    provider,
    services: { audit, invites, registration, signIn, mail, limiter, auditLog, webhooks, sweeper, verification, accountAdmin, members },
    startDraining() {
      draining = true;
    },
    /** Stops background workers; the store is closed by whoever opened it. */
    async stop() {
      draining = true;
      await mail.stop();
      await webhooks.stop();
      await sweeper?.stop();
    },
  };
}

export type GuestlistApp = ReturnType<typeof createApp>;
