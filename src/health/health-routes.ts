// /healthz (the process is up) and /readyz (the store answers and we are not shutting down).
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import type { Store } from '../store/ports.ts';

export function healthRoutes({ store, isDraining }: { store: Store; isDraining: () => boolean }): Router {
  const router = createRouter();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (isDraining()) {
      ctx.status = 503;
      ctx.body = { error: 'service_unavailable', message: 'Shutting down.' };
      return;
    }
    try {
      await store.ping();
      ctx.body = { status: 'ready', store: store.kind };
    } catch {
      ctx.status = 503;
      ctx.body = { error: 'service_unavailable', message: 'The store is unreachable.' };
    }
  });
  return router;
}
