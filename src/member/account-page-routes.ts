// GET /account: the member's hosted invitations page on the provider session cookie. It lists
// their invites, the quota left, creates one (link shown once) and revokes their pending ones.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import { koaBody } from 'koa-body';
import type { Context } from 'koa';
import type { Config } from '../config.ts';
import type { MemberInviteService } from '../invites/member-invite-service.ts';
import type { MemberAccounts } from '../accounts/member-accounts.ts';
import type { SessionAccount } from '../oidc/session-account.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { inviteStatus } from '../invites/invite-status.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import { humanUtc } from '../mail/human-date.ts';
import { accountClientAuthorizationUrl } from '../oidc/clients.ts';
import { assertCsrf, CSRF_FIELD, csrfToken } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { emailSchema } from '../email-address.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** More of the page (its own partial's data), from another module: password, email, sessions... */
export type AccountSection = (ctx: Context, accountId: string) => Promise<Record<string, unknown>>;

/** Renders the whole page for a signed-in member; the caller sets the status first. */
export type AccountPageRenderer = (ctx: Context, accountId: string, extra?: { created_url?: string; error?: string; notice?: string }) => Promise<void>;

export interface AccountPageDeps {
  config: Config;
  /** Sections other modules add to the page, each with its own partial in account.hbs. */
  sections?: AccountSection[];
  accounts: MemberAccounts;
  sessionAccount: SessionAccount;
  members: MemberInviteService;
  views: ViewEngine;
  clock: () => Date;
  viewsDir: string;
}

/** A member with more invites than this sees the newest ones; the JSON API pages through all. */
const PAGE_SIZE = 100;

export function createAccountPageRenderer({ accounts, members, views, clock, sections = [] }: Omit<AccountPageDeps, 'config' | 'sessionAccount' | 'viewsDir'>): AccountPageRenderer {
  return async function render(ctx, accountId, extra = {}) {
    const [account, quota, page, sectionData] = await Promise.all([
      accounts.activeMember(accountId),
      members.quota(accountId),
      members.list(accountId, { limit: PAGE_SIZE }),
      Promise.all(sections.map((section) => section(ctx, accountId))),
    ]);
    const now = clock();
    const invites = page.items.map((invite) => {
      const status = inviteStatus(invite, now);
      return {
        id: invite.id,
        email: invite.email,
        status,
        status_label: t(`account_status_${status}`),
        expires_at: humanUtc(invite.expiresAt),
        note: invite.note,
        revocable: status === 'pending',
      };
    });
    ctx.type = 'html';
    ctx.body = views.render('account', {
      title: t('account_title'),
      signed_in: true,
      email: account?.email,
      quota,
      can_invite: quota.left > 0,
      invites,
      csrf: csrfToken(ctx),
      ...Object.assign({}, ...sectionData),
      ...extra,
    });
  };
}

export function accountPageRoutes(deps: AccountPageDeps): Router {
  const { config, sessionAccount, members, views, viewsDir } = deps;
  const router = createRouter();
  // A separate file, never inline: the CSP allows scripts from 'self' only.
  const copyScript = readFileSync(join(viewsDir, 'assets', 'account-copy-link.js'), 'utf8');
  router.get('/account/assets/copy-link.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = copyScript;
  });
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '8kb' });

  const signedInMember = async (ctx: Context): Promise<string | null> => (await sessionAccount(ctx))?.id ?? null;

  const render = createAccountPageRenderer(deps);

  router.use(async (ctx, next) => {
    // The page may show a one-time invitation link: never cached, anywhere.
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/account', async (ctx) => {
    const accountId = await signedInMember(ctx);
    if (!accountId) {
      ctx.type = 'html';
      ctx.body = views.render('account', { title: t('account_title'), signed_in: false, sign_in_url: accountClientAuthorizationUrl(config.issuer, 'accountPage') });
      return;
    }
    await render(ctx, accountId);
  });

  router.post('/account/invite', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const accountId = await signedInMember(ctx);
    if (!accountId) throw new AppError('account_signed_out');
    const emailInput = typeof body.email === 'string' ? body.email.trim() : '';
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim().slice(0, 1000) : null;
    if (emailInput && !emailSchema.safeParse(emailInput).success) {
      ctx.status = 400;
      return render(ctx, accountId, { error: t('account_email_invalid') });
    }
    try {
      const { token } = await members.create(accountId, { email: emailInput || null, note }, requestMeta(ctx));
      ctx.status = 201;
      await render(ctx, accountId, { created_url: inviteUrl(config.issuer, token) });
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose) throw error;
      // The day's sending limit says when to come back (Retry-After), as every 429 does.
      ctx.set(error.headers);
      ctx.status = error.status;
      await render(ctx, accountId, { error: error.message });
    }
  });

  router.post('/account/revoke', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const accountId = await signedInMember(ctx);
    if (!accountId) throw new AppError('account_signed_out');
    const inviteId = typeof body.invite_id === 'string' ? body.invite_id.slice(0, 100) : '';
    try {
      await members.revoke(accountId, inviteId, requestMeta(ctx));
      await render(ctx, accountId, { notice: t('account_revoked') });
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose) throw error;
      ctx.status = error.status;
      await render(ctx, accountId, { error: error.message });
    }
  });

  return router;
}
