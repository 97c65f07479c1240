// /admin/users: list, inspect, disable, enable, delete, and set a member's invite quota (admin scope).
import type Router from '@koa/router';
import { documentedRouter } from '../openapi/route-docs.ts';
import { pageOf } from './page-shape.ts';
import { jsonBody } from '../body-parsers.ts';
import type { Context } from 'koa';
import type { AccountAdminService } from '../accounts/account-admin-service.ts';
import { presentAccount, userShape } from './user-presenter.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { listUsersQuery, setQuotaBody } from './user-schemas.ts';
import { principalOf } from '../security/bearer-guard.ts';

const adminId = (ctx: Context) => principalOf(ctx).id;

export function adminUserRoutes({ accounts }: { accounts: AccountAdminService }): Router {
  const { router, route } = documentedRouter();
  const theUser = { 200: { description: 'the user', body: userShape } };

  route.get('/admin/users', { summary: 'List users', query: listUsersQuery, responses: { 200: { description: 'a page', body: pageOf(userShape) } }, errors: [400] }, async (ctx) => {
    const query = parseInput(listUsersQuery, ctx.query);
    const page = await accounts.list({ email: query.email, inviteId: query.invite_id }, { limit: query.limit, cursor: query.cursor });
    ctx.body = { data: page.items.map(presentAccount), next_cursor: page.nextCursor };
  });

  route.get('/admin/users/:id', { summary: 'A user', responses: theUser, errors: [404] }, async (ctx) => {
    ctx.body = presentAccount(await accounts.get(ctx.params.id!));
  });

  route.post('/admin/users/:id/disable', { summary: 'Disable: ends sessions, revokes tokens, refuses sign-in (idempotent)', responses: theUser, errors: [404] }, async (ctx) => {
    ctx.body = presentAccount(await accounts.disable(ctx.params.id!, adminId(ctx), requestMeta(ctx)));
  });

  route.post('/admin/users/:id/enable', { summary: 'Enable again (idempotent)', responses: theUser, errors: [404] }, async (ctx) => {
    ctx.body = presentAccount(await accounts.enable(ctx.params.id!, adminId(ctx), requestMeta(ctx)));
  });

  route.put('/admin/users/:id/quota', { summary: "Set the member's invite quota (null: the default)", body: setQuotaBody, responses: theUser, errors: [400, 404] }, jsonBody(), async (ctx) => {
    const body = parseInput(setQuotaBody, ctx.request.body);
    ctx.body = presentAccount(await accounts.setInviteQuota(ctx.params.id!, body.invite_quota, adminId(ctx), requestMeta(ctx)));
  });

  route.delete('/admin/users/:id', { summary: 'Delete a user and their sessions and tokens', responses: { 204: { description: 'deleted' } }, errors: [404] }, async (ctx) => {
    await accounts.delete(ctx.params.id!, adminId(ctx), requestMeta(ctx));
    ctx.status = 204;
  });

  return router;
}
