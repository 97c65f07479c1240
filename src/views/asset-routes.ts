// The hosted pages' stylesheet and the theme built from the configured accent colour.
import Router from '@koa/router';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { themeCss } from './theme-css.ts';

export function assetRoutes({ viewsDir, accentColor }: { viewsDir: string; accentColor: string }): Router {
  const stylesheet = readFileSync(join(viewsDir, 'assets', 'guestlist.css'), 'utf8');
  const theme = themeCss(accentColor);
  const router = new Router();
  const serve = (body: string) => (ctx: import('koa').Context) => {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
  router.get('/assets/guestlist.css', serve(stylesheet));
  router.get('/assets/theme.css', serve(theme));
  return router;
}
