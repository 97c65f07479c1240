// /admin/waitlist: the queue of confirmed requests, approval (an invitation bound to the address)
// and denial, one by one or up to 1,000 at once (admin scope).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { documentedRouter } from '../openapi/route-docs.ts';
import { jsonBody } from '../body-parsers.ts';
import type { Config } from '../config.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { principalOf } from '../security/bearer-guard.ts';
import type { WaitlistReview } from '../waitlist/waitlist-review.ts';
import { inviteShape, presentInvite } from './invite-presenter.ts';
import { pageOf } from './page-shape.ts';
import { approveBody, bulkApproveBody, bulkDenyBody, denyBody, listWaitlistQuery, searchFilter, toApprovalInput, toDenialInput } from './waitlist-schemas.ts';
import { bulkApprovalResultsShape, bulkDenialResultsShape, presentBulkApprovals, presentBulkDenials, presentEntry, waitlistEntryShape } from './waitlist-presenter.ts';

export interface AdminWaitlistRoutesDeps {
  config: Config;
  review: WaitlistReview;
  clock: () => Date;
}

const adminActor = (ctx: Context) => ({ id: principalOf(ctx).id, kind: 'admin' as const });

export function adminWaitlistRoutes({ config, review, clock }: AdminWaitlistRoutesDeps): Router {
  const { router, route } = documentedRouter();
  const json = jsonBody();
  const theEntry = { description: 'the request', body: waitlistEntryShape };

  route.get(
    '/admin/waitlist',
    { summary: 'The waitlist: confirmed requests, oldest first (cursor pagination)', query: listWaitlistQuery, responses: { 200: { description: 'a page', body: pageOf(waitlistEntryShape) } }, errors: [400] },
    async (ctx) => {
      const query = parseInput(listWaitlistQuery, ctx.query);
      const page = await review.list({ status: query.status, ...searchFilter(query.q) }, { limit: query.limit, cursor: query.cursor });
      ctx.body = { data: page.items.map(presentEntry), next_cursor: page.nextCursor };
    },
  );

  // Bulk routes first: their paths are fixed, and they read clearer above the ones with an :id.
  route.post(
    '/admin/waitlist/bulk/approve',
    { summary: 'Approve up to 1,000 pending requests, each on its own', body: bulkApproveBody, responses: { 200: { description: 'one result per id', body: bulkApprovalResultsShape } }, errors: [400] },
    json,
    async (ctx) => {
      const body = parseInput(bulkApproveBody, ctx.request.body);
      const outcomes = await review.approveMany(body.ids, toApprovalInput(body), adminActor(ctx), requestMeta(ctx));
      ctx.body = { results: presentBulkApprovals(outcomes, clock(), config.issuer) };
    },
  );

  route.post(
    '/admin/waitlist/bulk/deny',
    { summary: 'Deny up to 1,000 pending requests, each on its own', body: bulkDenyBody, responses: { 200: { description: 'one result per id', body: bulkDenialResultsShape } }, errors: [400] },
    json,
    async (ctx) => {
      const body = parseInput(bulkDenyBody, ctx.request.body);
      const outcomes = await review.denyMany(body.ids, toDenialInput(body), adminActor(ctx), requestMeta(ctx));
      ctx.body = { results: presentBulkDenials(outcomes) };
    },
  );

  route.get('/admin/waitlist/:id', { summary: 'One request of the waitlist', responses: { 200: theEntry }, errors: [404] }, async (ctx) => {
    ctx.body = presentEntry(await review.get(ctx.params.id!));
  });

  route.post(
    '/admin/waitlist/:id/approve',
    {
      summary: 'Approve: an invitation bound to the email (metadata.waitlist_entry_id), emailed with the waitlist template',
      body: approveBody,
      bodyRequired: false,
      responses: { 201: { description: 'the invitation, with token and url (shown once)', body: inviteShape } },
      errors: [400, 404, 409],
    },
    json,
    async (ctx) => {
      const body = parseInput(approveBody, ctx.request.body ?? {});
      const { invite, token } = await review.approve(ctx.params.id!, toApprovalInput(body), adminActor(ctx), requestMeta(ctx));
      ctx.status = 201;
      ctx.body = presentInvite(invite, clock(), { token, issuer: config.issuer });
    },
  );

  route.post(
    '/admin/waitlist/:id/deny',
    { summary: 'Deny a pending request (optionally telling the person)', body: denyBody, bodyRequired: false, responses: { 200: theEntry }, errors: [400, 404, 409] },
    json,
    async (ctx) => {
      const body = parseInput(denyBody, ctx.request.body ?? {});
      ctx.body = presentEntry(await review.deny(ctx.params.id!, toDenialInput(body), adminActor(ctx), requestMeta(ctx)));
    },
  );

  return router;
}
