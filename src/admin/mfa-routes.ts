// /admin/users/{id}/mfa/reset: an administrator removes a member's second factors (admin scope).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { documentedRouter } from '../openapi/route-docs.ts';
import type { MfaAdmin } from '../mfa/mfa-admin.ts';
import { requestMeta } from '../security/request-context.ts';
import { principalOf } from '../security/bearer-guard.ts';

const adminId = (ctx: Context) => principalOf(ctx).id;

export function adminMfaRoutes({ mfa }: { mfa: MfaAdmin }): Router {
  const { router, route } = documentedRouter();
  route.post(
    '/admin/users/:id/mfa/reset',
    { summary: "Remove every passkey, authenticator app and backup code of the user (audited; the user is told by email)", responses: { 204: { description: 'reset' } }, errors: [404] },
    async (ctx) => {
      await mfa.reset(ctx.params.id!, adminId(ctx), requestMeta(ctx));
      ctx.status = 204;
    },
  );
  return router;
}
