// The deliveries screen: mail and webhook jobs waiting, retrying or failed, with their attempts
// and last error; a failed one can be sent again.
import type Router from '@koa/router';
import type { DeliveryAdmin } from '../jobs/delivery-admin.ts';
import { t, type MessageKey } from '../i18n/format-message.ts';
import { parseInput } from '../validation.ts';
import { allow, consoleMeta, consoleUser } from './console-context.ts';
import { shortUtc, withQuery } from './console-format.ts';
import type { ConsolePages } from './console-pages.ts';
import { deliveryListQuery, PAGE_SIZE } from './console-schemas.ts';

export function deliveryPages(router: Router, { deliveries, pages }: { deliveries: DeliveryAdmin; pages: ConsolePages }): void {
  router.get('/console/deliveries', async (ctx) => {
    const query = parseInput(deliveryListQuery, ctx.query);
    const [page, failing] = await Promise.all([deliveries.list({ queue: query.queue, state: query.state }, { limit: PAGE_SIZE, cursor: query.cursor }), deliveries.failing()]);
    const filters = { queue: query.queue, state: query.state };
    pages.render(ctx, 'deliveries', t('console_nav_deliveries'), {
      filters,
      failing,
      queues: ['mail', 'webhook'].map((value) => ({ value, label: t(`console_queue_${value}` as MessageKey), selected: value === query.queue })),
      states: ['failed', 'retrying', 'waiting', 'leased'].map((value) => ({ value, label: t(`console_job_${value}` as MessageKey), selected: value === query.state })),
      rows: page.items.map((job) => ({
        ...job,
        queue_label: t(`console_queue_${job.queue === 'webhook' ? 'webhook' : 'mail'}` as MessageKey),
        state_label: t(`console_job_${job.state}` as MessageKey),
        run_at: shortUtc(job.runAt),
        failed: job.state === 'failed',
      })),
      notice: ctx.query.done === 'redelivered' ? t('console_done_redelivered') : null,
      next_url: page.nextCursor ? withQuery('/console/deliveries', { ...filters, cursor: page.nextCursor }) : null,
      first_url: query.cursor ? withQuery('/console/deliveries', filters) : null,
    });
  });

  router.post('/console/deliveries/:id/redeliver', allow('manage'), async (ctx) => {
    await deliveries.redeliver(ctx.params.id!, consoleUser(ctx).account.id, consoleMeta(ctx));
    ctx.status = 303;
    ctx.redirect('/console/deliveries?done=redelivered');
  });
}
