// The admin console at /console: its public sign-in routes, and every other page and action on one
// router whose own guard (a live console session, CSRF on each POST) runs before each of them.
import type Router from '@koa/router';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { ConsoleCodeRedeemer } from '../oidc/console-client.ts';
import { createRouter, guardedRouter } from '../security/strict-router.ts';
import { ACCOUNT_CLIENT_ID } from '../oidc/clients.ts';
import { CONSOLE_CLIENT_ID } from '../oidc/console-client.ts';
import { consoleGuard } from './console-guard.ts';
import { createConsolePages } from './console-pages.ts';
import { consoleSignInRoutes, consoleSignOutRoute } from './console-sign-in-routes.ts';
import { overviewPage } from './overview-page.ts';
import { invitationPages } from './invitation-pages.ts';
import { importPages } from './import-pages.ts';
import { peoplePages } from './people-pages.ts';
import { personRecoveryPages, signInFacts } from './person-recovery-pages.ts';
import { auditPages } from './audit-pages.ts';
import { deliveryPages } from './delivery-pages.ts';
import { settingsPage } from './settings-page.ts';
import { waitlistPages } from './waitlist-pages.ts';

export interface ConsoleDeps {
  config: Config;
  services: Pick<Services, 'invites' | 'accountAdmin' | 'members' | 'auditLog' | 'overview' | 'lockouts' | 'deliveries' | 'consoleAccess' | 'waitlistReview' | 'mfa' | 'recovery'>;
  apps: ClientMetadata[];
  views: ViewEngine;
  redeem: ConsoleCodeRedeemer;
  cookieKeys: readonly string[];
  clock: () => Date;
  /** interactions/console: the console's views and its assets. */
  viewsDir: string;
}

export function consoleRouters({ config, services, apps, views, redeem, cookieKeys, clock, viewsDir }: ConsoleDeps): Router[] {
  const pages = createConsolePages(views, { waitlist: config.enable_waitlist });
  const { invites, accountAdmin, members, auditLog, overview, lockouts, deliveries, consoleAccess, waitlistReview, mfa, recovery } = services;
  const appList = apps.map((app) => ({ id: app.client_id, name: String(app.client_name ?? app.client_id) }));

  const assets = createRouter();
  const serve = (type: string, file: string) => {
    const body = readFileSync(join(viewsDir, 'assets', file), 'utf8');
    return (ctx: Context) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = body;
    };
  };
  assets.get('/console/assets/console.css', serve('text/css', 'console.css'));
  // The copy button's script is the member page's own file (/account/assets/copy-link.js): one
  // script for one job, served from 'self' as the CSP asks.

  const signIn = consoleSignInRoutes({ issuer: config.issuer, access: consoleAccess, redeem, pages, cookieKeys });

  const screens = createRouter();
  consoleSignOutRoute(screens, { issuer: config.issuer, access: consoleAccess });
  overviewPage(screens, { overview, lockouts, deliveries, pages, waitlist: config.enable_waitlist ? waitlistReview : null });
  invitationPages(screens, { issuer: config.issuer, defaultExpiryDays: config.invite_link_expiry, apps: appList, invites, accounts: accountAdmin, auditLog, overview, pages, clock });
  importPages(screens, { issuer: config.issuer, invites, overview, pages });
  // A person's sessions also name Guestlist's own clients: the member pages and this console.
  const signInApps = [...appList, { id: ACCOUNT_CLIENT_ID, name: `${config.product_name} account` }, { id: CONSOLE_CLIENT_ID, name: `${config.product_name} console` }];
  peoplePages(screens, { accounts: accountAdmin, members, lockouts, pages, apps: signInApps, defaultQuota: config.max_invites_per_user, signInFacts: (account) => signInFacts(mfa, account) });
  personRecoveryPages(screens, { accounts: accountAdmin, mfa, recovery, pages });
  auditPages(screens, { auditLog, pages });
  deliveryPages(screens, { deliveries, pages });
  settingsPage(screens, { config, apps, pages });
  // The waitlist's screen answers whether or not the waitlist is on: requests kept from a time it was stay reachable.
  waitlistPages(screens, { review: waitlistReview, accounts: accountAdmin, overview, apps: appList, pages });

  return [assets, signIn, guardedRouter(consoleGuard({ access: consoleAccess, renderError: pages.error }), [screens])];
}
