// /admin/users: list, inspect, disable, enable, delete, and set a member's invite quota (admin scope).
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import { jsonBody } from '../body-parsers.ts';
import type { Context } from 'koa';
import type { AccountAdminService } from '../accounts/account-admin-service.ts';
import { presentAccount } from '../accounts/account-presenter.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { listUsersQuery, setQuotaBody } from './user-schemas.ts';
import type { Principal } from '../security/bearer-guard.ts';

const adminId = (ctx: Context) => (ctx.state.principal as Principal).id;

export function adminUserRoutes({ accounts }: { accounts: AccountAdminService }): Router {
  const router = createRouter();

  router.get('/admin/users', async (ctx) => {
    const query = parseInput(listUsersQuery, ctx.query);
    const page = await accounts.list({ email: query.email, inviteId: query.invite_id }, { limit: query.limit, cursor: query.cursor });
    ctx.body = { data: page.items.map(presentAccount), next_cursor: page.nextCursor };
  });

  router.get('/admin/users/:id', async (ctx) => {
    ctx.body = presentAccount(await accounts.get(ctx.params.id!));
  });

  router.post('/admin/users/:id/disable', async (ctx) => {
    ctx.body = presentAccount(await accounts.disable(ctx.params.id!, adminId(ctx), requestMeta(ctx)));
  });

  router.post('/admin/users/:id/enable', async (ctx) => {
    ctx.body = presentAccount(await accounts.enable(ctx.params.id!, adminId(ctx), requestMeta(ctx)));
  });

  router.put('/admin/users/:id/quota', jsonBody(), async (ctx) => {
    const body = parseInput(setQuotaBody, ctx.request.body);
    ctx.body = presentAccount(await accounts.setInviteQuota(ctx.params.id!, body.invite_quota, adminId(ctx), requestMeta(ctx)));
  });

  router.delete('/admin/users/:id', async (ctx) => {
    await accounts.delete(ctx.params.id!, adminId(ctx), requestMeta(ctx));
    ctx.status = 204;
  });

  return router;
}
