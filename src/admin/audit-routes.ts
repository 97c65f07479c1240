// GET /admin/audit: filtered, paginated audit events; with Accept: application/x-ndjson, the whole
// filtered log streamed as an export (admin scope, behind the admin guard).
import type Router from '@koa/router';
import { documentedRouter } from '../openapi/route-docs.ts';
import { auditEventShape } from '../audit/audit-presenter.ts';
import { pageOf } from './page-shape.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { parseInput } from '../validation.ts';
import { auditQuery, toAuditFilter } from './audit-schemas.ts';

const NDJSON = 'application/x-ndjson';

export function adminAuditRoutes({ auditLog }: { auditLog: AuditLog }): Router {
  const { router, route } = documentedRouter();

  route.get(
    '/admin/audit',
    {
      summary: 'Audit events (newest first); Accept: application/x-ndjson streams the filtered log',
      query: auditQuery,
      responses: { 200: { description: 'a page, or NDJSON', body: pageOf(auditEventShape), ndjsonItem: auditEventShape } },
      errors: [400],
    },
    async (ctx) => {
    const query = parseInput(auditQuery, ctx.query);
    const filter = toAuditFilter(query);
    ctx.set('Cache-Control', 'no-store');
    // Only an explicit NDJSON preference streams; `*/*` and JSON get the paginated page.
    if (ctx.accepts('application/json', NDJSON) === NDJSON) {
      ctx.type = NDJSON;
      ctx.body = auditLog.exportNdjson(filter);
      return;
    }
    const page = await auditLog.list(filter, { limit: query.limit, cursor: query.cursor });
    ctx.body = { data: page.items, next_cursor: page.nextCursor };
  });

  return router;
}
