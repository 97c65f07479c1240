// /account/invites: a member's own invitations over JSON, with a bearer token carrying scope `invites`.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import { jsonBody } from '../body-parsers.ts';
import type { Context } from 'koa';
import type { Config } from '../config.ts';
import type { MemberInviteService } from '../invites/member-invite-service.ts';
import { presentInvite } from '../invites/invite-presenter.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import type { Principal } from '../security/bearer-guard.ts';
import { memberInviteBody, memberInviteListQuery, toMemberInviteInput } from './member-invite-schemas.ts';

const memberId = (ctx: Context) => (ctx.state.principal as Principal).id;

export function memberInviteRoutes({ config, members, clock }: { config: Config; members: MemberInviteService; clock: () => Date }): Router {
  const router = createRouter();

  router.get('/account/invites', async (ctx) => {
    const query = parseInput(memberInviteListQuery, ctx.query);
    const page = await members.list(memberId(ctx), { limit: query.limit, cursor: query.cursor });
    const now = clock();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: page.items.map((invite) => presentInvite(invite, now)), next_cursor: page.nextCursor, quota: await members.quota(memberId(ctx)) };
  });

  router.post('/account/invites', jsonBody(), async (ctx) => {
    const body = parseInput(memberInviteBody, ctx.request.body ?? {});
    const { invite, token } = await members.create(memberId(ctx), toMemberInviteInput(body), requestMeta(ctx));
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentInvite(invite, clock(), { token, issuer: config.issuer });
  });

  router.post('/account/invites/:id/revoke', async (ctx) => {
    ctx.body = presentInvite(await members.revoke(memberId(ctx), ctx.params.id!, requestMeta(ctx)), clock());
  });

  return router;
}
