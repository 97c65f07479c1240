// The /account page's own security: change the password, move to another email address (a code to
// the new one first), see where the account is signed in and which apps hold access, and end them.
// Its section of the page is the partial account-security.hbs; its forms post here.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { createRouter } from '../security/strict-router.ts';
import type { Config } from '../config.ts';
import type { SelfService } from '../accounts/self-service.ts';
import type { MemberSessions } from '../accounts/member-sessions.ts';
import type { AccountSessions, CurrentSession } from '../oidc/account-sessions.ts';
import type { AccountPageRenderer, AccountSection } from './account-page-routes.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf, CSRF_FIELD } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { humanUtc } from '../mail/human-date.ts';

export interface AccountSecurityDeps {
  config: Pick<Config, 'password_min_length'>;
  selfService: SelfService;
  memberSessions: MemberSessions;
  accountSessions: Pick<AccountSessions, 'current'>;
  render: AccountPageRenderer;
}

/** What a form post hands to the section for the re-rendered page: a notice, or problems by field. */
interface SectionState {
  notice?: string;
  error?: string;
  errors?: Record<string, string>;
  /** An email change just asked for (its cookie reaches the page only from the next request on). */
  changeId?: string;
}

/** The email change this browser asked for: its id rides in a signed cookie, as a recovery's does. */
const EMAIL_CHANGE = 'gl.email_change';

const stateOf = (ctx: Context): SectionState => (ctx.state.accountSecurity as SectionState | undefined) ?? {};

/** A refusal's words beside its field: the policy's reason as a sentence about the new password, else its own. */
function fieldMessage(error: AppError): string {
  const detail = (error.details?.[0] ?? {}) as { message?: string };
  if (error.code === 'weak_password' && detail.message) return `${t('security_new_password')} ${detail.message}.`;
  return error.message;
}

export function accountSecuritySection({ config, selfService, memberSessions, accountSessions }: Omit<AccountSecurityDeps, 'render'>): AccountSection {
  return async (ctx, accountId) => {
    const current = await accountSessions.current(ctx);
    const changeId = stateOf(ctx).changeId ?? ctx.cookies.get(EMAIL_CHANGE, { signed: true });
    const [listed, offer, pending] = await Promise.all([
      memberSessions.list(accountId, current?.sessionId ?? null),
      selfService.emailChangeOffer(accountId),
      changeId ? selfService.pendingEmailChange(accountId, changeId) : Promise.resolve(null),
    ]);
    const state = stateOf(ctx);
    return {
      security: {
        password_min: config.password_min_length,
        notice: state.notice,
        error: state.error,
        errors: state.errors ?? {},
        email_change_allowed: offer.allowed,
        email_change_reason: offer.reason,
        pending_email: pending?.email ?? null,
        pending_lead: pending ? t('security_email_code_sent', { email: pending.email }) : null,
        sessions: listed.sessions.map((session) => ({
          id: session.id,
          current: session.current,
          signed_in_at: session.signedInAt ? t('security_signed_in_at', { at: humanUtc(session.signedInAt) }) : null,
          apps: session.apps.length ? session.apps.join(', ') : t('security_no_apps_in_session'),
        })),
        has_other_sessions: listed.sessions.some((session) => !session.current) || listed.apps.length > 0,
        apps: listed.apps.map((app) => ({ client_id: app.clientId, name: app.name, scopes: app.scopes.join(', ') })),
      },
    };
  };
}

export function accountSecurityRoutes(deps: AccountSecurityDeps): Router {
  const { selfService, memberSessions, accountSessions, render } = deps;
  const router = createRouter();
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '8kb' });
  const cookie = (ctx: Context) => ({ signed: true, httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: '/account', overwrite: true });
  const field = (body: Record<string, unknown>, name: string, max = 1024) => (typeof body[name] === 'string' ? (body[name] as string).slice(0, max) : '');

  /** CSRF, then the signed-in member of this browser (401 account_signed_out otherwise). */
  async function member(ctx: Context): Promise<{ body: Record<string, unknown>; session: CurrentSession }> {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const session = await accountSessions.current(ctx);
    if (!session) throw new AppError('account_signed_out');
    return { body, session };
  }

  /** Renders the page after a post: its notice, or its refusal beside the field it concerns (4xx). */
  async function answer(ctx: Context, accountId: string, work: () => Promise<SectionState>, fieldOf: (error: AppError) => string | null) {
    try {
      ctx.state.accountSecurity = await work();
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose || error.code === 'account_signed_out') throw error;
      ctx.set(error.headers);
      ctx.status = error.status;
      const name = fieldOf(error);
      ctx.state.accountSecurity = name ? { errors: { [name]: fieldMessage(error) } } : { error: error.message };
    }
    await render(ctx, accountId);
  }

  router.post('/account/password', form, async (ctx) => {
    const { body, session } = await member(ctx);
    const signOutOthers = body.sign_out_others === 'on';
    await answer(
      ctx,
      session.accountId,
      async () => {
        await selfService.changePassword(
          session.accountId,
          { currentPassword: field(body, 'current_password') || null, newPassword: field(body, 'new_password'), signOutOthers, session },
          requestMeta(ctx),
        );
        return { notice: t(signOutOthers ? 'security_password_changed_others' : 'security_password_changed') };
      },
      (error) => (error.code === 'weak_password' ? 'new_password' : error.code === 'invalid_credentials' || error.code === 'reauthentication_required' || error.status === 429 ? 'current_password' : null),
    );
  });

  router.post('/account/email', form, async (ctx) => {
    const { body, session } = await member(ctx);
    await answer(
      ctx,
      session.accountId,
      async () => {
        const requested = await selfService.requestEmailChange(session.accountId, field(body, 'new_email', 254), requestMeta(ctx));
        ctx.cookies.set(EMAIL_CHANGE, requested.changeId, cookie(ctx));
        return { changeId: requested.changeId };
      },
      (error) => (error.status === 429 ? null : 'new_email'),
    );
  });

  router.post('/account/email/confirm', form, async (ctx) => {
    const { body, session } = await member(ctx);
    const changeId = ctx.cookies.get(EMAIL_CHANGE, { signed: true }) ?? '';
    await answer(
      ctx,
      session.accountId,
      async () => {
        const moved = await selfService.confirmEmailChange(session.accountId, changeId, field(body, 'code', 16), requestMeta(ctx));
        ctx.cookies.set(EMAIL_CHANGE, null, cookie(ctx));
        return { notice: t('security_email_changed', { email: moved.email }) };
      },
      (error) => (error.code === 'invalid_code' ? 'email_code' : null),
    );
  });

  router.post('/account/sessions/end', form, async (ctx) => {
    const { body, session } = await member(ctx);
    const sessionId = field(body, 'session_id', 100);
    await answer(
      ctx,
      session.accountId,
      async () => {
        // This browser signs out through the provider's own sign-out; here only the others end.
        if (sessionId === session.sessionId) throw new AppError('conflict');
        await memberSessions.endSession(session.accountId, sessionId, requestMeta(ctx));
        return { notice: t('security_session_ended') };
      },
      () => null,
    );
  });

  router.post('/account/sessions/end-others', form, async (ctx) => {
    const { session } = await member(ctx);
    await memberSessions.endOthers(session.accountId, session.sessionId, requestMeta(ctx));
    ctx.state.accountSecurity = { notice: t('security_others_ended') };
    await render(ctx, session.accountId);
  });

  router.post('/account/apps/revoke', form, async (ctx) => {
    const { body, session } = await member(ctx);
    await answer(
      ctx,
      session.accountId,
      async () => {
        await memberSessions.revokeApp(session.accountId, field(body, 'client_id', 200), requestMeta(ctx));
        return { notice: t('security_app_revoked') };
      },
      () => null,
    );
  });

  return router;
}
