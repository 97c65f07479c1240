// /healthz (the process is up) and /readyz (the store answers and we are not shutting down).
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import type { Readiness } from './readiness.ts';

const NOT_READY = { draining: 'Shutting down.', store_unreachable: 'The store is unreachable.' } as const;

export function healthRoutes({ readiness }: { readiness: () => Promise<Readiness> }): Router {
  const router = createRouter();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const state = await readiness();
    if (state.ready) {
      ctx.body = { status: 'ready', store: state.store };
      return;
    }
    ctx.status = 503;
    ctx.body = { error: 'service_unavailable', message: NOT_READY[state.reason] };
  });
  return router;
}
