// GET /api/invites/{token}: lets a custom front end check a link before showing its form.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import type { InviteService } from '../invites/invite-service.ts';
import { requestMeta } from '../security/request-context.ts';

export function inviteCheckRoutes({ invites }: { invites: InviteService }): Router {
  const router = createRouter();
  router.get('/api/invites/:token', async (ctx) => {
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
