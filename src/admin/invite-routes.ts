// /admin/invites: create, list, inspect, revoke and resend invitations (admin scope).
import type Router from '@koa/router';
import { documentedRouter } from '../openapi/route-docs.ts';
import { bulkBody, jsonBody } from '../body-parsers.ts';
import type { Context } from 'koa';
import type { Config } from '../config.ts';
import type { InviteService } from '../invites/invite-service.ts';
import { inviteShape, presentInvite } from './invite-presenter.ts';
import { normalizeEmail } from '../email-address.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { createInviteBody, listInvitesQuery, toCreateInviteInput } from './invite-schemas.ts';
import { pageOf } from './page-shape.ts';
import { principalOf } from '../security/bearer-guard.ts';
import { bulkInviteBody, CSV_COLUMNS, rowsFromCsv, rowsFromJson } from './bulk-invite-input.ts';
import { bulkResultsShape, presentBulkResults } from './bulk-invite-results.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';

export interface AdminInviteRoutesDeps {
  config: Config;
  invites: InviteService;
  clock: () => Date;
}

const adminActor = (ctx: Context) => ({ id: principalOf(ctx).id, kind: 'admin' as const });

export function adminInviteRoutes({ config, invites, clock }: AdminInviteRoutesDeps): Router {
  const { router, route } = documentedRouter();
  const json = jsonBody();

  const created = { description: 'created, with token and url (shown once)', body: inviteShape };
  route.post('/admin/invites', { summary: 'Create an invitation', body: createInviteBody, responses: { 201: created }, errors: [400] }, json, async (ctx) => {
    const body = parseInput(createInviteBody, ctx.request.body);
    const { invite, token } = await invites.create(toCreateInviteInput(body), adminActor(ctx), requestMeta(ctx));
    ctx.status = 201;
    ctx.body = presentInvite(invite, clock(), { token, issuer: config.issuer });
  });

  // Up to 1,000 rows as JSON ({invites: [...]}) or text/csv with a header row; each row stands alone.
  route.post(
    '/admin/invites/bulk',
    {
      summary: 'Create up to 1,000 invitations, each row on its own',
      body: bulkInviteBody,
      csv: `columns: ${CSV_COLUMNS.join(',')} (roles separated by ; or |)`,
      responses: { 200: { description: 'one result per row', body: bulkResultsShape } },
      errors: [400, 413, 415],
    },
    bulkBody(),
    async (ctx) => {
    const rows = ctx.is('text/csv') ? rowsFromCsv(ctx.request.body) : ctx.is('json') ? rowsFromJson(ctx.request.body) : null;
    if (!rows) throw new AppError('unsupported_media_type', { message: t('bulk_media_type') });
    const good = rows.flatMap((row) => (row.ok ? [row.input] : []));
    const created = await invites.createMany(good, adminActor(ctx), requestMeta(ctx));
    ctx.body = { results: presentBulkResults(rows, created, clock(), config.issuer) };
  });

  route.get('/admin/invites', { summary: 'List invitations (newest first, cursor pagination)', query: listInvitesQuery, responses: { 200: { description: 'a page', body: pageOf(inviteShape) } }, errors: [400] }, async (ctx) => {
    const query = parseInput(listInvitesQuery, ctx.query);
    const page = await invites.list(
      {
        status: query.status,
        email: query.email ? normalizeEmail(query.email) : undefined,
        createdBy: query.created_by,
        createdAfter: query.created_after ? new Date(query.created_after) : undefined,
        createdBefore: query.created_before ? new Date(query.created_before) : undefined,
      },
      { limit: query.limit, cursor: query.cursor },
    );
    const now = clock();
    ctx.body = { data: page.items.map((invite) => presentInvite(invite, now)), next_cursor: page.nextCursor };
  });

  route.get('/admin/invites/:id', { summary: 'An invitation with its redemptions', responses: { 200: { description: 'the invite', body: inviteShape } }, errors: [404] }, async (ctx) => {
    const { invite, redemptions } = await invites.get(ctx.params.id!);
    ctx.body = presentInvite(invite, clock(), { redemptions });
  });

  route.post('/admin/invites/:id/revoke', { summary: 'Revoke a pending invitation', responses: { 200: { description: 'revoked', body: inviteShape } }, errors: [404, 409] }, async (ctx) => {
    const invite = await invites.revoke(ctx.params.id!, adminActor(ctx), requestMeta(ctx));
    ctx.body = presentInvite(invite, clock());
  });

  route.post('/admin/invites/:id/resend', { summary: 'New token and expiry; re-emails a bound invite', responses: { 200: { description: 'with the new token and url', body: inviteShape } }, errors: [404, 409] }, async (ctx) => {
    const { invite, token } = await invites.resend(ctx.params.id!, adminActor(ctx), requestMeta(ctx));
    ctx.body = presentInvite(invite, clock(), { token, issuer: config.issuer });
  });

  return router;
}
