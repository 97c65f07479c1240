// /account/invites: a member's own invitations over JSON, with a bearer token carrying scope `invites`.
import type Router from '@koa/router';
import { z } from 'zod';
import { documentedRouter } from '../openapi/route-docs.ts';
import { pageOf } from '../admin/page-shape.ts';
import { jsonBody } from '../body-parsers.ts';
import type { Context } from 'koa';
import type { Config } from '../config.ts';
import type { MemberInviteService } from '../invites/member-invite-service.ts';
import { inviteShape, presentInvite } from '../admin/invite-presenter.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { principalOf } from '../security/bearer-guard.ts';
import { memberInviteBody, memberInviteListQuery, toMemberInviteInput } from './member-invite-schemas.ts';

const memberId = (ctx: Context) => principalOf(ctx).id;

export function memberInviteRoutes({ config, members, clock }: { config: Config; members: MemberInviteService; clock: () => Date }): Router {
  const { router, route } = documentedRouter();

  const quotaShape = z.object({ quota: z.number(), used: z.number(), left: z.number() });
  route.get(
    '/account/invites',
    { summary: "The member's own invitations and quota", query: memberInviteListQuery, responses: { 200: { description: 'a page with quota {quota, used, left}', body: pageOf(inviteShape).extend({ quota: quotaShape }) } }, errors: [400] },
    async (ctx) => {
    const query = parseInput(memberInviteListQuery, ctx.query);
    const page = await members.list(memberId(ctx), { limit: query.limit, cursor: query.cursor });
    const now = clock();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: page.items.map((invite) => presentInvite(invite, now)), next_cursor: page.nextCursor, quota: await members.quota(memberId(ctx)) };
  });

  route.post('/account/invites', { summary: "Create an invitation within the quota and the day's sending (429 daily_invite_limit)", body: memberInviteBody, bodyRequired: false, responses: { 201: { description: 'created, with token and url', body: inviteShape } }, errors: [400, 429] }, jsonBody(), async (ctx) => {
    const body = parseInput(memberInviteBody, ctx.request.body ?? {});
    const { invite, token } = await members.create(memberId(ctx), toMemberInviteInput(body), requestMeta(ctx));
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentInvite(invite, clock(), { token, issuer: config.issuer });
  });

  route.post('/account/invites/:id/revoke', { summary: 'Revoke one of my pending invitations', responses: { 200: { description: 'revoked', body: inviteShape } }, errors: [404, 409] }, async (ctx) => {
    ctx.body = presentInvite(await members.revoke(memberId(ctx), ctx.params.id!, requestMeta(ctx)), clock());
  });

  return router;
}
