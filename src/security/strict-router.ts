// Routers that match a path only as it is written: case-sensitive, strict about trailing slashes,
// and without prefixes. No other spelling of a path can reach a handler, or slip past the guard
// that sits on the handler's own router.
import Router from '@koa/router';
import type { Middleware } from 'koa';

/**
 * Every router in Guestlist comes from here. Paths are written out in full in each route (no
 * `prefix`): a prefixed '/' route becomes `prefix/` under strict matching, so full paths keep
 * what a route answers visible where it is declared.
 */
export function createRouter(): Router {
  return new Router({ sensitive: true, strict: true });
}

/**
 * One router whose `guard` runs before every route of `routers`, and only for those: @koa/router
 * runs a router's own middleware only when one of its routes matched, so an unmatched spelling
 * never reaches the guard or a handler, and a matched one never skips the guard.
 */
export function guardedRouter(guard: Middleware, routers: Router[]): Router {
  const guarded = createRouter();
  guarded.use(guard);
  for (const router of routers) guarded.use(router.routes());
  return guarded;
}

/** Every route the routers answer, as method and path pattern (for the route-walk test and docs). */
export function routeTable(routers: Router[]): Array<{ method: string; path: string }> {
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))),
  );
}
