// A person's recovery in the console: how they sign in (passkeys, authenticator app, backup codes),
// a recovery link emailed to them or handed over once, and a reset of their second factors when
// they lost them (confirmed by typing their email). Each is the admin API's own service, audited
// with the acting admin and `via: console`.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountAdminService } from '../accounts/account-admin-service.ts';
import type { MfaServices } from '../mfa/mfa-services.ts';
import type { RecoveryService } from '../recovery/recovery-service.ts';
import { t } from '../i18n/format-message.ts';
import { allow, consoleMeta, consoleUser } from './console-context.ts';
import type { ConsolePages } from './console-pages.ts';
import { confirmedPersonAction } from './typed-confirmation.ts';

type Account = Awaited<ReturnType<AccountAdminService['get']>>;

export interface PersonRecoveryDeps {
  accounts: AccountAdminService;
  mfa: Pick<MfaServices, 'factors' | 'admin'>;
  recovery: Pick<RecoveryService, 'adminLink'>;
  pages: ConsolePages;
}

/** What the person page shows of someone's way in: read by every console role. */
export async function signInFacts(mfa: Pick<MfaServices, 'factors'>, account: Account) {
  const { standing, passkeys, backupCodesLeft } = await mfa.factors.overview(account);
  return {
    enabled: standing.enabled,
    password: standing.hasPassword,
    passkeys: passkeys.length ? passkeys.map((passkey) => passkey.name).join(', ') : null,
    totp: standing.totp,
    backup_codes_left: backupCodesLeft,
    required: standing.required,
    enrolled: standing.enrolled,
  };
}

export function personRecoveryPages(router: Router, { accounts, mfa, recovery, pages }: PersonRecoveryDeps): void {
  const backToPerson = (ctx: Context, id: string, what: string) => {
    ctx.status = 303;
    ctx.redirect(`/console/people/${encodeURIComponent(id)}?done=${what}`);
  };

  // Emailed (send_email=yes), or shown here once to hand over some other way.
  router.post('/console/people/:id/recovery-link', allow('manage'), async (ctx) => {
    const account = await accounts.get(ctx.params.id!);
    const sendEmail = (ctx.request.body as Record<string, unknown> | undefined)?.send_email !== 'no';
    const link = await recovery.adminLink(account.id, { sendEmail }, consoleUser(ctx).account.id, consoleMeta(ctx));
    if (!link.url) return backToPerson(ctx, account.id, 'recovery_sent');
    ctx.set('Cache-Control', 'no-store');
    pages.render(ctx, 'recovery-link', t('console_recovery_link_title'), { heading: t('console_recovery_link_title'), url: link.url, person: { id: account.id, email: account.email }, scripts: true }, 201);
  });

  confirmedPersonAction(router, { accounts, pages }, {
    path: 'reset-factors',
    title: 'console_confirm_reset_factors_title',
    lead: 'console_confirm_reset_factors_lead',
    button: 'console_reset_factors',
    async run(ctx, account) {
      await mfa.admin.reset(account.id, consoleUser(ctx).account.id, consoleMeta(ctx));
      backToPerson(ctx, account.id, 'factors_reset');
    },
  });
}
