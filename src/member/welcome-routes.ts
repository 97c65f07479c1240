// GET /account/welcome: where a sign-up from an invitation link lands. It sends the person on to
// the app the invite names (its initiate_login_uri, OIDC Core §4) or says the account is ready.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import type Provider from 'oidc-provider';
import type { Config } from '../config.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { SessionAccount } from '../oidc/session-account.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import { t } from '../i18n/format-message.ts';
import { consoleRoleOf } from '../security/console-roles.ts';

export interface WelcomeDeps {
  config: Config;
  provider: Provider;
  invites: InviteService;
  sessionAccount: SessionAccount;
  views: ViewEngine;
}

export function welcomeRoutes({ config, provider, invites, sessionAccount, views }: WelcomeDeps): Router {
  const router = createRouter();
  router.get('/account/welcome', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    if (typeof ctx.query.error === 'string') {
      ctx.body = views.render('error', { title: t('signup_cancelled_heading'), heading: t('signup_cancelled_heading'), message: t('signup_cancelled_message') });
      return;
    }
    const account = await sessionAccount(ctx);
    const invite = typeof ctx.query.state === 'string' && ctx.query.state.length <= 64 ? await invites.find(ctx.query.state) : null;
    const client = invite?.clientId ? await provider.Client.find(invite.clientId) : undefined;
    const initiateLoginUri = client?.metadata().initiate_login_uri as string | undefined;
    if (account && initiateLoginUri) {
      // Third-party initiated login: the app starts its own sign-in, which our session completes.
      const target = new URL(initiateLoginUri);
      target.searchParams.set('iss', config.issuer);
      target.searchParams.set('login_hint', account.email);
      // Where the app should land afterwards, when it registered a home page (client_uri): some
      // apps (mod_auth_openidc without OIDCDefaultURL) refuse a third-party login without one.
      const home = client?.metadata().client_uri as string | undefined;
      if (home) target.searchParams.set('target_link_uri', home);
      ctx.status = 303;
      ctx.redirect(target.toString());
      return;
    }
    ctx.body = views.render('welcome', {
      title: t('welcome_title'),
      email: account?.email ?? null,
      continue_url: null,
      // Someone invited into the console (the owner's invitation, an admin's) goes on from here.
      console_url: account && consoleRoleOf(account.roles) ? '/console' : null,
    });
  });
  return router;
}
