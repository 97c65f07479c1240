// GET /invite/{token}: the link from the invitation email. A valid one starts a sign-up with the
// invitation applied; a bad one gets its own page and status. Opening it never spends a use.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import type { Config } from '../config.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import { t } from '../i18n/format-message.ts';
import { requestMeta } from '../security/request-context.ts';
import { accountClientAuthorizationUrl } from '../oidc/clients.ts';


export function inviteLinkRoutes({ config, invites, views }: { config: Config; invites: InviteService; views: ViewEngine }): Router {
  const router = createRouter();
  router.get('/invite/:token', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const inspection = await invites.view(ctx.params.token!, requestMeta(ctx));
    if (inspection.state !== 'valid') {
      ctx.status = inspection.state === 'unknown' ? 404 : 410;
      ctx.type = 'html';
      ctx.body = views.render('error', {
        title: t(`invite_${inspection.state}_heading`),
        heading: t(`invite_${inspection.state}_heading`),
        message: t(`invite_${inspection.state}`),
        // An invitation that ran out or was used: with the waitlist on, ask for a new one.
        action: config.enable_waitlist && (inspection.state === 'expired' || inspection.state === 'used') ? { href: '/waitlist', text: t('waitlist_offer_again') } : undefined,
      });
      return;
    }
    // Sign-up runs as an authorization request of Guestlist's own client, so the person ends
    // with a session here: an app they then open signs them in without asking again.
    const authorize = accountClientAuthorizationUrl(config.issuer, 'welcome', { prompt: 'create', invite_token: ctx.params.token!, state: inspection.invite.id });
    ctx.status = 303;
    ctx.redirect(authorize);
  });
  return router;
}
