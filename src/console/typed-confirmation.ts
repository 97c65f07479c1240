// A destructive action on a person, confirmed by typing their email: a GET for the confirmation
// page and a POST that checks the typed word before anything changes.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountAdminService } from '../accounts/account-admin-service.ts';
import { t, type MessageKey } from '../i18n/format-message.ts';
import { allow } from './console-context.ts';
import type { ConsolePages } from './console-pages.ts';

type Account = Awaited<ReturnType<AccountAdminService['get']>>;

export interface ConfirmedPersonAction {
  /** The last path segment: /console/people/{id}/{path}. */
  path: string;
  title: MessageKey;
  lead: MessageKey;
  button: MessageKey;
  /** Runs once the email was typed right; it answers the request (a redirect). */
  run(ctx: Context, account: Account): Promise<void>;
}

export function confirmedPersonAction(router: Router, { accounts, pages }: { accounts: AccountAdminService; pages: ConsolePages }, action: ConfirmedPersonAction): void {
  const render = (ctx: Context, account: Account, status: number, error?: string) =>
    pages.render(
      ctx,
      'confirm',
      t(action.title),
      {
        heading: t(action.title),
        lead: t(action.lead),
        items: [account.email],
        action: `/console/people/${account.id}/${action.path}`,
        hidden: [],
        word: account.email,
        button: t(action.button),
        cancel: `/console/people/${account.id}`,
        danger: true,
        error,
      },
      status,
    );

  router.get(`/console/people/:id/${action.path}`, allow('manage'), async (ctx) => render(ctx, await accounts.get(ctx.params.id!), 200));

  router.post(`/console/people/:id/${action.path}`, allow('manage'), async (ctx) => {
    const account = await accounts.get(ctx.params.id!);
    const typed = String((ctx.request.body as Record<string, unknown> | undefined)?.confirm ?? '');
    if (typed.trim().toLowerCase() !== account.email) return render(ctx, account, 400, t('console_confirm_mismatch', { word: account.email }));
    await action.run(ctx, account);
  });
}
