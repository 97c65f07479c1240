// Gives every request an id (echoed in X-Request-Id) and the RequestMeta that audit events carry.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { RequestMeta } from '../audit/request-meta.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A well-formed incoming id (from a load balancer) is kept so traces line up across hops. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function requestContext() {
  return async function assignRequestId(ctx: Context, next: Next): Promise<void> {
    const requestId = requestIdFrom(ctx.get('X-Request-Id'));
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    await next();
  };
}

/** ctx.ip honours X-Forwarded-For only when trust_proxy set app.proxy. */
export function requestMeta(ctx: Context): RequestMeta {
  return {
    ip: ctx.ip || null,
    userAgent: ctx.get('User-Agent').slice(0, 512) || null,
    requestId: (ctx.state.requestId as string | undefined) ?? null,
  };
}
