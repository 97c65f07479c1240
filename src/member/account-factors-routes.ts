// /account/security: the member's sign-in security page on the provider session cookie. Lists
// passkeys, the authenticator app and backup codes; adds, renames and removes them, within ten
// minutes of signing in (a "confirm it's you" sign-in otherwise).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { createRouter } from '../security/strict-router.ts';
import type { Config } from '../config.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { SessionSignInLookup } from '../oidc/session-sign-in.ts';
import type { FactorManagement, Member } from '../mfa/factor-management.ts';
import type { TotpDraft } from '../mfa/totp-service.ts';
import type { RegistrationResponseJSON } from '../mfa/webauthn.ts';
import { secondFactorsEnabled } from '../mfa/mfa-policy.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { t, type MessageKey } from '../i18n/format-message.ts';
import { humanUtc } from '../mail/human-date.ts';
import { accountClientAuthorizationUrl } from '../oidc/clients.ts';
import { assertCsrf, CSRF_FIELD, csrfToken } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';

export interface AccountFactorsDeps {
  config: Config;
  sessionSignIn: SessionSignInLookup;
  factors: FactorManagement;
  views: ViewEngine;
}

const PAGE = '/account/security';

/** Notices a change may leave for the page it redirects to: only these keys are ever shown. */
const NOTICES: Record<string, MessageKey> = {
  passkey_added: 'security_passkey_added',
  passkey_renamed: 'security_passkey_renamed',
  passkey_removed: 'security_passkey_removed',
  totp_added: 'security_totp_added',
  totp_removed: 'security_totp_removed',
};

interface PageExtra {
  status?: number;
  error?: string;
  notice?: string;
  codes?: string[];
  totp?: TotpDraft | null;
}

export function accountFactorsRoutes({ config, sessionSignIn, factors, views }: AccountFactorsDeps): Router {
  const router = createRouter();
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '8kb' });
  const json = koaBody({ json: true, multipart: false, urlencoded: false, text: false, jsonLimit: '64kb' });
  const confirmUrl = accountClientAuthorizationUrl(config.issuer, 'securityPage', { prompt: 'login' });

  router.use(async (ctx, next) => {
    // The page may show backup codes once, and a setup key: never cached, anywhere.
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  async function member(ctx: Context): Promise<Member> {
    if (!secondFactorsEnabled(config)) throw notFound();
    const signIn = await sessionSignIn(ctx);
    if (!signIn) throw new AppError('account_signed_out');
    return { account: signIn.account, signedInAt: signIn.signedInAt };
  }

  async function render(ctx: Context, who: Member, extra: PageExtra = {}): Promise<void> {
    const overview = await factors.overview(who.account);
    const csrf = csrfToken(ctx);
    const recent = factors.recent(who);
    ctx.status = extra.status ?? 200;
    ctx.type = 'html';
    ctx.body = views.render(extra.totp ? 'account-totp' : 'account-security', {
      title: t('security_title'),
      signed_in: true,
      email: who.account.email,
      csrf,
      recent,
      confirm_url: confirmUrl,
      required: overview.standing.required,
      passkeys: overview.passkeys.map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        created: t('security_passkey_created', { date: humanUtc(passkey.createdAt) }),
        last_used: passkey.lastUsedAt ? t('security_passkey_last_used', { date: humanUtc(passkey.lastUsedAt) }) : t('security_passkey_never_used'),
      })),
      passkey: recent ? { ceremony: 'register', options_url: `${PAGE}/passkeys/options`, finish_url: `${PAGE}/passkeys`, csrf } : null,
      totp_on: overview.standing.totp,
      totp_since: overview.totpSince ? t('security_totp_on', { date: humanUtc(overview.totpSince) }) : null,
      enrolled: overview.standing.enrolled,
      backup_codes_left: overview.backupCodesLeft,
      codes: extra.codes ?? null,
      totp: extra.totp ? { action: `${PAGE}/totp`, qr: extra.totp.qrDataUrl, secret: extra.totp.secret, sealed: extra.totp.sealed, csrf } : null,
      error: extra.error,
      notice: extra.notice,
    });
  }

  /** A form's change: CSRF first, then the member, then the change; a refusal re-renders the page with its status. */
  async function change(ctx: Context, work: (who: Member, body: Record<string, unknown>) => Promise<PageExtra | string>): Promise<void> {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const who = await member(ctx);
    try {
      const outcome = await work(who, body);
      if (typeof outcome === 'string') {
        ctx.status = 303;
        ctx.redirect(`${PAGE}?notice=${outcome}`);
        return;
      }
      await render(ctx, who, outcome);
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose || error.code === 'account_signed_out') throw error;
      ctx.set(error.headers);
      await render(ctx, who, { status: error.status, error: error.message });
    }
  }

  router.get(PAGE, async (ctx) => {
    // /account links here whatever the configuration: with second factors off, the page says so.
    if (!secondFactorsEnabled(config)) {
      ctx.type = 'html';
      ctx.body = views.render('account-security', { title: t('security_title'), off: true });
      return;
    }
    const signIn = await sessionSignIn(ctx);
    if (!signIn) {
      ctx.type = 'html';
      ctx.body = views.render('account-security', { title: t('security_title'), signed_in: false, sign_in_url: accountClientAuthorizationUrl(config.issuer, 'securityPage') });
      return;
    }
    const notice = typeof ctx.query.notice === 'string' && Object.hasOwn(NOTICES, ctx.query.notice) ? t(NOTICES[ctx.query.notice]!) : undefined;
    await render(ctx, { account: signIn.account, signedInAt: signIn.signedInAt }, { notice });
  });

  // The passkey ceremony, answered over JSON to the page's script (assets/passkeys.js).
  router.post(`${PAGE}/passkeys/options`, json, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const start = await factors.startPasskey(await member(ctx));
    ctx.body = { challenge_id: start.challengeId, options: start.options };
  });

  router.post(`${PAGE}/passkeys`, json, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body[CSRF_FIELD]);
    const response = body.response;
    if (!response || typeof response !== 'object' || Array.isArray(response)) throw badRequest([{ path: 'response', message: 'is required' }]);
    await factors.addPasskey(await member(ctx), { challengeId: body.challenge_id, response: response as unknown as RegistrationResponseJSON, name: body.name }, requestMeta(ctx));
    ctx.body = { location: `${PAGE}?notice=passkey_added` };
  });

  router.post(`${PAGE}/passkeys/:id/rename`, form, (ctx) =>
    change(ctx, async (who, body) => {
      await factors.renamePasskey(who, ctx.params.id!, body.name, requestMeta(ctx));
      return 'passkey_renamed';
    }),
  );

  router.post(`${PAGE}/passkeys/:id/remove`, form, (ctx) =>
    change(ctx, async (who) => {
      await factors.removePasskey(who, ctx.params.id!, requestMeta(ctx));
      return 'passkey_removed';
    }),
  );

  router.get(`${PAGE}/totp`, async (ctx) => {
    const who = await member(ctx);
    if (!factors.recent(who)) {
      ctx.status = 303;
      ctx.redirect(PAGE);
      return;
    }
    await render(ctx, who, { totp: await factors.startTotp(who) });
  });

  router.post(`${PAGE}/totp`, form, (ctx) =>
    change(ctx, async (who, body) => {
      const sealed = typeof body.totp_draft === 'string' ? body.totp_draft.slice(0, 1000) : '';
      try {
        await factors.confirmTotp(who, sealed, typeof body.code === 'string' ? body.code.slice(0, 16) : '', requestMeta(ctx));
      } catch (error) {
        if (!(error instanceof AppError) || !error.expose || error.code === 'step_up_required' || error.code === 'totp_already_set') throw error;
        // The same key again (the app already holds it), with why the code was refused.
        return { status: error.status, error: error.message, totp: (await factors.reopenTotp(who, sealed)) ?? (await factors.startTotp(who)) };
      }
      // The first factor of an account comes with its backup codes, shown once in this answer.
      const overview = await factors.overview(who.account);
      if (overview.backupCodesLeft === 0) return { notice: t('security_totp_added'), codes: await factors.regenerateBackupCodes(who, requestMeta(ctx)) };
      return 'totp_added';
    }),
  );

  router.post(`${PAGE}/totp/remove`, form, (ctx) =>
    change(ctx, async (who) => {
      await factors.removeTotp(who, requestMeta(ctx));
      return 'totp_removed';
    }),
  );

  router.post(`${PAGE}/backup-codes`, form, (ctx) => change(ctx, async (who) => ({ codes: await factors.regenerateBackupCodes(who, requestMeta(ctx)) })));

  return router;
}
