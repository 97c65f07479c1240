// Serves the discovery document and the JWKS from a copy of oidc-provider's own answer: both are
// fixed for the life of the process, and the engine would otherwise rebuild them on every request.
import type { Context, Next } from 'koa';
import type { Logger } from '../logging/logger.ts';
import { logRequestLine } from '../logging/request-logger.ts';
import { requestIdFrom } from '../security/request-context.ts';
import { securityHeaderPairs } from '../security/security-headers.ts';

/** oidc-provider's default routes for the two documents (provider.ts does not change them). */
export const CACHED_DOCUMENT_PATHS = ['/.well-known/openid-configuration', '/jwks'] as const;

interface CachedDocument {
  /** A string, not a Buffer: Node then sends headers and body in one write instead of a writev. */
  body: string;
  /** Every header but the per-request ones, flattened name, value, name, value... for writeHead. */
  headers: string[];
}

/**
 * Placed first of all middleware: these are the two most requested documents (every relying
 * party fetches them, and JWKS on every key rotation check), and a copy needs none of the stack
 * behind it. A cached answer carries what that stack would add — X-Request-Id, the security
 * headers, the request log line — with everything fixed precomputed once, and is written in one
 * writeHead/end. Only GET is cached; HEAD and the rest go to the provider as before.
 *
 * The first GET answered by the provider is copied byte for byte. The provider only ever sees the
 * issuer's origin (pin-issuer-origin.ts), so no Host a caller sends can end up in the copy.
 */
export function discoveryCache({ hsts, logger }: { hsts: boolean; logger: Logger }) {
  const cache = new Map<string, CachedDocument>();
  const paths = new Set<string>(CACHED_DOCUMENT_PATHS);
  const security = securityHeaderPairs({ hsts }).flat();

  return async function serveCachedDocument(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' || !paths.has(ctx.path)) return next();
    const cached = cache.get(ctx.path);
    if (cached) {
      const started = process.hrtime.bigint();
      const requestId = requestIdFrom(ctx.req.headers['x-request-id']);
      ctx.state.requestId = requestId;
      // The same CORS answer as oidc-provider's cors middleware for these public documents.
      const origin = ctx.req.headers.origin;
      ctx.respond = false;
      ctx.res.writeHead(200, [...cached.headers, 'X-Request-Id', requestId, 'Access-Control-Allow-Origin', origin || '*']);
      ctx.res.end(cached.body);
      logRequestLine(logger, ctx, started);
      return;
    }
    const res = ctx.res;
    const path = ctx.path;
    const end = res.end;
    // The provider answers with ctx.respond = false and one res.end(body): copy that body.
    res.end = function copyAndEnd(this: typeof res, ...args: unknown[]) {
      const [chunk] = args;
      const contentType = res.getHeader('content-type');
      if (res.statusCode === 200 && typeof contentType === 'string' && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
        const body = chunk.toString();
        cache.set(path, { body, headers: ['Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(body)), 'Vary', 'Origin', ...security] });
      }
      res.end = end;
      return (end as (...a: unknown[]) => typeof res).apply(this, args);
    } as typeof res.end;
    await next();
  };
}
