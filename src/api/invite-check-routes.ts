// GET /api/invites/{token}: lets a custom front end check a link before showing its form.
import type Router from '@koa/router';
import { z } from 'zod';
import { documentedRouter } from '../openapi/route-docs.ts';
import type { InviteService } from '../invites/invite-service.ts';
import { requestMeta } from '../security/request-context.ts';

const inviteCheckShape = z.object({
  valid: z.boolean(),
  email: z.string().nullable().optional(),
  expires_at: z.iso.datetime().optional(),
  reason: z.enum(['expired', 'revoked', 'used', 'unknown']).optional(),
});

export function inviteCheckRoutes({ invites }: { invites: InviteService }): Router {
  const { router, route } = documentedRouter();
  route.get('/api/invites/:token', { summary: 'Check an invitation token without using it', responses: { 200: { description: 'valid, or why not', body: inviteCheckShape } }, errors: [429] }, async (ctx) => {
    const inspection = await invites.lookup(ctx.params.token!, requestMeta(ctx));
    // Looking a token up never spends it, and never reveals more than its email and expiry.
    ctx.set('Cache-Control', 'no-store');
    ctx.body =
      inspection.state === 'valid'
        ? { valid: true, email: inspection.invite.email, expires_at: inspection.invite.expiresAt.toISOString() }
        : { valid: false, reason: inspection.state };
  });
  return router;
}
