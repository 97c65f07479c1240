// The passkey scripts, from Guestlist's own origin (the CSP allows scripts from 'self' only): the
// @simplewebauthn/browser bundle as published, and the small script that wires the pages' buttons.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRouter } from '../security/strict-router.ts';

export function passkeyAssetRoutes({ viewsDir }: { viewsDir: string }): Router {
  // The package's UMD bundle (window.SimpleWebAuthnBrowser), read once at boot from node_modules.
  // (The package exports only its entry point, script/index.js; the bundle sits beside that folder.)
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  const library = readFileSync(join(dirname(entry), '..', 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
  const pageScript = readFileSync(join(viewsDir, 'assets', 'passkeys.js'), 'utf8');
  const router = createRouter();
  const serve = (body: string) => (ctx: Context) => {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
  router.get('/assets/simplewebauthn-browser.js', serve(library));
  router.get('/assets/passkeys.js', serve(pageScript));
  return router;
}
