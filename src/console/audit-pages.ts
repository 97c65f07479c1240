// The audit screen: filter by type, actor, invitation, account, address and time; keyset pages;
// and the current filter exported as NDJSON (streamed, so any size downloads in flat memory).
import type Router from '@koa/router';
import type { AuditLog } from '../audit/audit-log.ts';
import { AUDIT_EVENT_TYPES } from '../audit/event-types.ts';
import type { AuditQueryFilter } from './console-types.ts';
import { t } from '../i18n/format-message.ts';
import { parseInput } from '../validation.ts';
import { shortUtc, withQuery } from './console-format.ts';
import type { ConsolePages } from './console-pages.ts';
import { auditListQuery, PAGE_SIZE } from './console-schemas.ts';

/** A datetime-local value is read as UTC, as every time on these screens is written. */
const utc = (value: string | undefined) => (value ? new Date(`${value.length === 16 ? `${value}:00` : value}.000Z`) : undefined);

export function auditPages(router: Router, { auditLog, pages }: { auditLog: AuditLog; pages: ConsolePages }): void {
  function filterOf(query: ReturnType<typeof auditListQuery.parse>): AuditQueryFilter {
    return { type: query.type, actor: query.actor, inviteId: query.invite_id, accountId: query.account_id, ip: query.ip, since: utc(query.since), until: utc(query.until) };
  }

  router.get('/console/audit', async (ctx) => {
    const query = parseInput(auditListQuery, ctx.query);
    const page = await auditLog.list(filterOf(query), { limit: PAGE_SIZE, cursor: query.cursor });
    const filters = { type: query.type, actor: query.actor, invite_id: query.invite_id, account_id: query.account_id, ip: query.ip, since: query.since, until: query.until };
    pages.render(ctx, 'audit', t('console_nav_audit'), {
      filters,
      filtered: Object.values(filters).some(Boolean),
      types: AUDIT_EVENT_TYPES.map((type) => ({ value: type, selected: type === query.type })),
      rows: page.items.map((event) => ({
        id: event.id,
        at: shortUtc(new Date(event.at)),
        type: event.type,
        actor: event.actor,
        invite_id: event.invite_id,
        account_id: event.account_id,
        ip: event.ip,
        reason: event.reason,
        via: (event.data?.via as string | undefined) ?? null,
      })),
      export_url: withQuery('/console/audit/export', filters),
      next_url: page.nextCursor ? withQuery('/console/audit', { ...filters, cursor: page.nextCursor }) : null,
      first_url: query.cursor ? withQuery('/console/audit', filters) : null,
    });
  });

  router.get('/console/audit/export', (ctx) => {
    const query = parseInput(auditListQuery, ctx.query);
    ctx.type = 'application/x-ndjson';
    ctx.attachment('audit.ndjson');
    ctx.body = auditLog.exportNdjson(filterOf(query));
  });
}
