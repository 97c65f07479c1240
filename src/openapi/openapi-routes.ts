// GET /admin/openapi.json: the API description of the documented routes.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import { buildOpenApi, type RouteGroup } from './openapi-document.ts';

/**
 * Served without a token, ahead of the admin guard: it holds shapes only (no data, no secrets),
 * the same facts the README publishes, and API tooling fetches it before it has any token.
 */
export function openApiRoutes({ issuer, groups }: { issuer: string; groups: RouteGroup[] }): Router {
  const body = JSON.stringify(buildOpenApi(issuer, groups));
  const router = createRouter();
  router.get('/admin/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
