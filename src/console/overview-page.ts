// The console's first screen: invitations by status, the last 30 days as an accessible SVG chart
// with its data table, the redemption funnel, sign-ups per day, current lockouts and security
// alerts, and deliveries failing.
import type Router from '@koa/router';
import type { OverviewStats } from '../audit/overview-stats.ts';
import type { DeliveryAdmin } from '../jobs/delivery-admin.ts';
import type { LockoutReport } from '../security/lockout-report.ts';
import { t } from '../i18n/format-message.ts';
import { lineChart } from './chart-svg.ts';
import { shortUtc, statusLabel } from './console-format.ts';
import type { ConsolePages } from './console-pages.ts';

export interface OverviewPageDeps {
  overview: OverviewStats;
  lockouts: LockoutReport;
  deliveries: DeliveryAdmin;
  pages: ConsolePages;
}

const percent = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : '—');

export function overviewPage(router: Router, { overview, lockouts, deliveries, pages }: OverviewPageDeps): void {
  router.get('/console', async (ctx) => {
    const [stats, locked, failing] = await Promise.all([overview.overview(), lockouts.current(), deliveries.failing()]);
    const days = stats.days.map((d) => d.day);
    const total = (key: 'created' | 'opened' | 'redeemed' | 'expired' | 'signups') => stats.days.reduce((sum, d) => sum + d[key], 0);
    const invitationsChart = lineChart({
      id: 'chart-invitations',
      title: t('console_chart_invitations'),
      description: t('console_chart_invitations_desc', { created: total('created'), opened: total('opened'), redeemed: total('redeemed'), expired: total('expired') }),
      days,
      series: [
        { name: 'created', className: 'series-created', values: stats.days.map((d) => d.created) },
        { name: 'opened', className: 'series-opened', values: stats.days.map((d) => d.opened) },
        { name: 'redeemed', className: 'series-redeemed', values: stats.days.map((d) => d.redeemed) },
        { name: 'expired', className: 'series-expired', values: stats.days.map((d) => d.expired) },
      ],
    });
    const signupsChart = lineChart({
      id: 'chart-signups',
      title: t('console_chart_signups'),
      description: t('console_chart_signups_desc', { signups: total('signups') }),
      days,
      series: [{ name: 'signups', className: 'series-signups', values: stats.days.map((d) => d.signups) }],
    });
    const { funnel } = stats;
    pages.render(ctx, 'overview', t('console_nav_overview'), {
      counted_at: shortUtc(stats.at),
      statuses: (['pending', 'redeemed', 'expired', 'revoked'] as const).map((status) => ({ status, label: statusLabel(status), count: stats.statuses[status] })),
      // Our own SVG from numbers and fixed labels (escaped), never from typed input.
      invitations_chart: invitationsChart,
      signups_chart: signupsChart,
      days: [...stats.days].reverse(),
      funnel: [
        { label: t('console_funnel_created'), count: funnel.created, share: '100%', max: Math.max(1, funnel.created), id: 'created' },
        { label: t('console_funnel_opened'), count: funnel.opened, share: percent(funnel.opened, funnel.created), max: Math.max(1, funnel.created, funnel.opened), id: 'opened' },
        { label: t('console_funnel_redeemed'), count: funnel.redeemed, share: percent(funnel.redeemed, funnel.created), max: Math.max(1, funnel.created, funnel.redeemed), id: 'redeemed' },
      ],
      lockouts: locked.map((lock) => ({ ...lock, until: shortUtc(lock.until) })),
      alerts: stats.alerts.map((alert) => ({ at: shortUtc(alert.at), reason: alert.reason, ip: alert.ip })),
      failing,
      failing_total: failing.mail.failed + failing.webhook.failed,
    });
  });
}
