// The hosted pages' one stylesheet (the accent colour's variables first, then guestlist.css), a
// favicon in the accent colour, and the sign-out page's submit script. theme.css alone stays served
// for pages cached before the merge.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import type { Context } from 'koa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { themeCss } from './theme-css.ts';

function favicon(accentColor: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="${accentColor}"/></svg>\n`;
}

export function assetRoutes({ viewsDir, accentColor }: { viewsDir: string; accentColor: string }): Router {
  const theme = themeCss(accentColor);
  // One request for the whole look: no flash of unthemed buttons, nothing to shift.
  const stylesheet = theme + readFileSync(join(viewsDir, 'assets', 'guestlist.css'), 'utf8');
  const router = createRouter();
  const serve = (type: string, body: string) => (ctx: Context) => {
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
  router.get('/assets/guestlist.css', serve('text/css', stylesheet));
  router.get('/assets/theme.css', serve('text/css', theme));
  router.get('/assets/favicon.svg', serve('image/svg+xml', favicon(accentColor)));
  // A file, not an inline script: the CSP allows scripts from 'self' only.
  router.get('/assets/logout-submit.js', serve('application/javascript', readFileSync(join(viewsDir, 'assets', 'logout-submit.js'), 'utf8')));
  return router;
}
