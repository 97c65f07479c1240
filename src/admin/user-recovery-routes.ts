// POST /admin/users/{id}/recovery: an admin's recovery link, emailed to the account or handed back once.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { documentedRouter } from '../openapi/route-docs.ts';
import { jsonBody } from '../body-parsers.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { principalOf } from '../security/bearer-guard.ts';
import type { RecoveryService } from '../recovery/recovery-service.ts';
import { adminRecoveryBody, adminRecoveryShape } from './user-recovery-schemas.ts';

const adminId = (ctx: Context) => principalOf(ctx).id;

export function adminUserRecoveryRoutes({ recovery }: { recovery: RecoveryService }): Router {
  const { router, route } = documentedRouter();
  route.post(
    '/admin/users/:id/recovery',
    {
      summary: 'A recovery link for the user (24 h unless said, 7 days at most): emailed (send_email, the default) or returned once as url',
      body: adminRecoveryBody,
      bodyRequired: false,
      responses: { 201: { description: 'the link was emailed ({}), or here it is ({url})', body: adminRecoveryShape } },
      errors: [400, 404, 409],
    },
    jsonBody(),
    async (ctx) => {
      const body = parseInput(adminRecoveryBody, ctx.request.body ?? {});
      const link = await recovery.adminLink(ctx.params.id!, { sendEmail: body.send_email, expiresInHours: body.expires_in_hours }, adminId(ctx), requestMeta(ctx));
      ctx.status = 201;
      // The link is in the answer only when it was not emailed, and only this once.
      ctx.body = link.url ? { url: link.url } : {};
    },
  );
  return router;
}
