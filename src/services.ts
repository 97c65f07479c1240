// createServices: every service Guestlist runs, wired together and knowing nothing of HTTP, plus
// the background workers (mail, webhooks, retention) that go with them.
import type { ClientMetadata } from 'oidc-provider';
import type { Config } from './config.ts';
import type { Secrets } from './secrets/secrets.ts';
import type { Store } from './store/ports.ts';
import type { Logger } from './logging/logger.ts';
import { createAuditRecorder } from './audit/audit-recorder.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createRetentionSweeper } from './audit/retention-sweeper.ts';
import { createWebhookQueue } from './webhooks/webhook-queue.ts';
import { createRateLimiter } from './security/rate-limiter.ts';
import { createPayloadSealer } from './security/payload-sealer.ts';
import { createMailQueue } from './mail/mail-queue.ts';
import { createMailTransport } from './mail/create-mail-transport.ts';
import { createMailRenderer } from './mail/mail-renderer.ts';
import { createInvitationMailer } from './mail/invitation-mailer.ts';
import type { MailTransport } from './mail/mail-transport.ts';
import { createSmsTransport } from './sms/create-sms-transport.ts';
import type { SmsTransport } from './sms/sms-transport.ts';
import type { EndSessions } from './accounts/new-password.ts';
import { createMemberSessions, type SessionControl } from './accounts/member-sessions.ts';
import { createSelfService } from './accounts/self-service.ts';
import { createInviteService } from './invites/invite-service.ts';
import { createMemberInviteService } from './invites/member-invite-service.ts';
import { createRedemption } from './invites/redemption.ts';
import { createSignInService } from './accounts/sign-in-service.ts';
import { createAccountAdminService } from './accounts/account-admin-service.ts';
import { createMemberAccounts } from './accounts/member-accounts.ts';
import { createCodeSender } from './signup/code-sender.ts';
import { createSignUpService } from './signup/signup-service.ts';
import { createAdmissionGate } from './signup/admission.ts';
import { deriveCodeKeys } from './signup/verification-codes.ts';
import { createUpstreamClients } from './federation/upstream-client.ts';
import { createFederationService } from './federation/federation-service.ts';
import { federationCallbackUrl } from './federation/federation-paths.ts';
import { createDeliveryAdmin } from './jobs/delivery-admin.ts';
import { createOverviewStats } from './audit/overview-stats.ts';
import { createLockoutReport } from './security/lockout-report.ts';
import { createConsoleSessions } from './security/console-sessions.ts';
import { createConsoleAccess } from './accounts/console-access.ts';
import { createWaitlistMailer } from './mail/waitlist-mailer.ts';
import { createWaitlistReview } from './waitlist/waitlist-review.ts';
import { createWaitlistRequests } from './waitlist/waitlist-requests.ts';
import { createDomainRules } from './waitlist/email-domain-rules.ts';
import { inviteRequiredMessage } from './waitlist/waitlist-links.ts';
import { createPasswordPolicy } from './accounts/password-policy.ts';
import { createNewPassword } from './accounts/new-password.ts';
import { createRecoveryService } from './recovery/recovery-service.ts';
import { deriveRecoveryKeys } from './security/recovery-codes.ts';
import { createMfaServices } from './mfa/mfa-services.ts';
import { createMfaStatus } from './mfa/mfa-status.ts';

export interface ServiceDeps {
  config: Config;
  store: Store;
  secrets: Secrets;
  logger: Logger;
  clock: () => Date;
  /** The relying parties: the apps an invitation may name. */
  apps: ClientMetadata[];
  /** Signs an account out of every app that asked for back-channel logout. */
  endAppSessions?: (accountId: string) => Promise<void>;
  /** Replaces the mail transport (SMTP or outbox, from the config). */
  mailTransport?: MailTransport;
  /** Replaces the SMS transport (webhook or outbox, from the config). */
  smsTransport?: SmsTransport;
  /** Retry waits of the mail queue; tests shorten them. */
  mailBackoffMs?: number[];
  /** Retry waits of the webhook queue; tests shorten them. */
  webhookBackoffMs?: number[];
  /** The provider's sessions and grants of an account (oidc/account-sessions.ts); without it, ending them ends all of them. */
  sessions?: SessionControl;
}

export function createServices(deps: ServiceDeps) {
  const { config, store, secrets, logger, clock, apps } = deps;
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
  const sweeper = createRetentionSweeper({
    retentions: [
      // A store that expires audit events itself (MongoDB's TTL index) needs no sweep for them.
      ...(store.audit.expiresOnItsOwn ? [] : [{ name: 'audit events', retentionDays: config.audit_retention_days, purgeBefore: (before: Date) => store.audit.purgeBefore(before) }]),
      { name: 'failed jobs', retentionDays: config.failed_job_retention_days, purgeBefore: (before: Date) => store.jobs.purgeFailedBefore(before) },
      { name: 'redemption records', retentionDays: config.redemption_retention_days, purgeBefore: (before: Date) => store.invites.purgeRedemptionsBefore(before) },
    ],
    clock,
    onError: (error, name) => logger.error({ err: error, records: name }, 'retention sweep failed'),
    onSwept: (count, name) => logger.info({ purged: count, records: name }, 'retention sweep'),
  });
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
  const mfaStatus = createMfaStatus({ store, config });
  const signIn = createSignInService({ store, audit, limiter, secondFactorDue: (accountId) => mfaStatus.secondFactorDue(accountId) });
  const accountAdmin = createAccountAdminService({ store, audit, endAppSessions: deps.endAppSessions });
  const memberAccounts = createMemberAccounts({ store });
  const members = createMemberInviteService({ store, config, invites });
  const gate = createAdmissionGate({ config, audit, invites, accounts: memberAccounts, limiter, inviteRequiredMessage: inviteRequiredMessage(config) });
  const passwords = createPasswordPolicy({ minLength: config.password_min_length, productName: config.product_name });
  // Everything an account has open ends: apps with back-channel logout are told first (the record
  // of which apps to tell goes with the payloads), then sessions, grants, tokens and console sessions.
  const endEverySession = async (accountId: string) => {
    await deps.endAppSessions?.(accountId);
    await store.oidc.destroyByAccountId(accountId);
    await store.consoleSessions.deleteByAccountId(accountId);
  };
  const signUp = createSignUpService({
    store,
    config,
    clock,
    audit,
    gate,
    redemption: createRedemption({ store, clock, audit }),
    limiter,
    sender: createCodeSender({ mail, sms: deps.smsTransport ?? createSmsTransport(config, { logger, clock }), productName: config.product_name }),
    codeKey: deriveCodeKeys(secrets.cookieKeys),
    passwords,
    endEverySession,
  });
  // Upstream identity providers: their sign-ups go through the same gate and redemption as above.
  const federation = createFederationService({
    providers: config.upstream_providers,
    clients: createUpstreamClients(config.upstream_providers, {
      redirectUri: (id) => federationCallbackUrl(config.issuer, id),
      onError: (error, provider) => logger.warn({ err: error, provider }, 'upstream sign-in failed'),
    }),
    store,
    clock,
    audit,
    gate,
    signUp,
  });

  // What the admin console and the command line add: deliveries, the overview, lockouts, console sessions.
  const deliveries = createDeliveryAdmin({ jobs: store.jobs, audit });
  const overview = createOverviewStats({ store, clock });
  const lockouts = createLockoutReport({ store, limiter, clock });
  const consoleAccess = createConsoleAccess({ store, audit, sessions: createConsoleSessions({ store: store.consoleSessions, clock, cookieKeys: secrets.cookieKeys }) });
  // Accounts after sign-up: a new password is put in place one way, for a reset and a change alike.
  const newPassword = createNewPassword({
    store,
    passwords,
    productName: config.product_name,
    issuer: config.issuer,
    mail,
    audit,
    clock,
    // All of them (a reset), or all but this browser's (a change with "sign out other devices").
    endSessions: (async (accountId, options) => {
      if (options?.keepSessionId && deps.sessions) await deps.sessions.endAll(accountId, options);
      else await endEverySession(accountId);
    }) satisfies EndSessions,
  });
  const recoveryKeys = deriveRecoveryKeys(secrets.cookieKeys);
  const recovery = createRecoveryService({
    store,
    config,
    clock,
    audit,
    limiter,
    mail,
    newPassword,
    keys: recoveryKeys,
    sealer: createPayloadSealer(secrets.cookieKeys, 'recovery-job-v1'),
    logger,
  });
  const selfService = createSelfService({ store, config, clock, audit, limiter, mail, newPassword, keys: recoveryKeys });
  const memberSessions = deps.sessions ? createMemberSessions({ sessions: deps.sessions, audit }) : null;


  // The waitlist: requests confirmed by email, and the admins' review (an approval is an invitation).
  const waitlistMailer = createWaitlistMailer({
    queue: mail,
    issuer: config.issuer,
    clientName: (id) => (apps.find((client) => client.client_id === id)?.client_name as string | undefined) ?? null,
  });
  const waitlistReview = createWaitlistReview({ store, clock, audit, invites, mailer: waitlistMailer });
  const waitlist = createWaitlistRequests({
    store,
    config,
    clock,
    audit,
    limiter,
    mailer: waitlistMailer,
    rules: createDomainRules(config),
    review: waitlistReview,
    codeKey: deriveCodeKeys(secrets.cookieKeys),
  });
  const mfa = createMfaServices({ store, config, secrets, clock, audit, limiter, mail, signUp, status: mfaStatus });

  return {
    audit,
    auditLog,
    limiter,
    mail,
    webhooks,
    sweeper,
    invites,
    members,
    signIn,
    accountAdmin,
    memberAccounts,
    signUp,
    federation,
    deliveries,
    overview,
    lockouts,
    consoleAccess,
    waitlist,
    waitlistReview,
    passwords,
    newPassword,
    recovery,
    selfService,
    memberSessions,
    mfa,
    startWorkers() {
      mail.start();
      recovery.dispatch.start();
      webhooks.start();
      sweeper.start();
    },
    /** Waits for the deliveries in hand, so a stop never cuts one in half. */
    async stopWorkers() {
      await recovery.dispatch.stop();
      await mail.stop();
      await webhooks.stop();
      await sweeper.stop();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
