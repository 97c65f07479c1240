// Serves the discovery document and the JWKS from a copy of oidc-provider's own answer: both are
// fixed for the life of the process, and the engine would otherwise rebuild them on every request.
import type { Context, Next } from 'koa';

/** oidc-provider's default routes for the two documents (provider.ts does not change them). */
export const CACHED_DOCUMENT_PATHS = ['/.well-known/openid-configuration', '/jwks'] as const;

interface CachedDocument {
  contentType: string;
  body: Buffer;
}

/**
 * Placed before the provider. The first GET answered by the provider is copied byte for byte;
 * later GETs get the copy with the same CORS headers the provider would set.
 *
 * The provider builds the document's URLs from the request's origin, so a copy is only taken
 * from a request whose origin is the issuer's: a spoofed Host can never poison the cache, and
 * once filled every caller sees the issuer's URLs whatever Host it sent.
 */
export function discoveryCache({ issuer }: { issuer: string }) {
  const issuerOrigin = new URL(issuer).origin;
  const cache = new Map<string, CachedDocument>();
  const paths = new Set<string>(CACHED_DOCUMENT_PATHS);

  return async function serveCachedDocument(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' || !paths.has(ctx.path)) return next();
    const cached = cache.get(ctx.path);
    if (cached) {
      // The same CORS answer as oidc-provider's cors middleware for these public documents.
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
      ctx.type = cached.contentType;
      ctx.body = cached.body;
      return;
    }
    // (koa 3's ctx.origin is the Origin header; the request's own origin is protocol + host.)
    if (`${ctx.protocol}://${ctx.host}` !== issuerOrigin) return next();
    const res = ctx.res;
    const path = ctx.path;
    const end = res.end;
    // The provider answers with ctx.respond = false and one res.end(body): copy that body.
    res.end = function copyAndEnd(this: typeof res, ...args: unknown[]) {
      const [chunk] = args;
      const contentType = res.getHeader('content-type');
      if (res.statusCode === 200 && typeof contentType === 'string' && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
        cache.set(path, { contentType, body: Buffer.from(chunk) });
      }
      res.end = end;
      return (end as (...a: unknown[]) => typeof res).apply(this, args);
    } as typeof res.end;
    await next();
  };
}
