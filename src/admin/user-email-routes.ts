// PUT /admin/users/{id}/email: an admin moves an account to another address (the consent an account
// admitted by an email-bound invitation needs); the old address is told, the new one is unverified.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { documentedRouter } from '../openapi/route-docs.ts';
import { jsonBody } from '../body-parsers.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { principalOf } from '../security/bearer-guard.ts';
import { emailSchema } from '../email-address.ts';
import type { SelfService } from '../accounts/self-service.ts';
import { presentAccount, userShape } from './user-presenter.ts';

export const adminEmailBody = z.object({ email: emailSchema }).meta({ id: 'AdminChangeEmail' });

const adminId = (ctx: Context) => principalOf(ctx).id;

export function adminUserEmailRoutes({ selfService }: { selfService: SelfService }): Router {
  const { router, route } = documentedRouter();
  route.put(
    '/admin/users/:id/email',
    { summary: "Move the user to another email address (unverified until proven; the old address is told)", body: adminEmailBody, responses: { 200: { description: 'the user', body: userShape } }, errors: [400, 404, 409] },
    jsonBody(),
    async (ctx) => {
      const body = parseInput(adminEmailBody, ctx.request.body);
      ctx.body = presentAccount(await selfService.adminChangeEmail(ctx.params.id!, body.email, adminId(ctx), requestMeta(ctx)));
    },
  );
  return router;
}
