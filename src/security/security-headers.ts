// Security headers for every answer: no framing, no sniffing, no referrer (invitation links carry
// their token in the path, and must not leak to other sites through Referer).
import type { Context, Next } from 'koa';

const CSP = [
  "default-src 'self'",
  "img-src 'self' https: data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers as name/value pairs, fixed at boot (the cached documents send them precomputed). */
export function securityHeaderPairs({ hsts }: { hsts: boolean }): [string, string][] {
  const pairs: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Content-Security-Policy', CSP],
  ];
  if (hsts) pairs.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  return pairs;
}

export function securityHeaders({ hsts }: { hsts: boolean }) {
  const pairs = securityHeaderPairs({ hsts });
  return async function setSecurityHeaders(ctx: Context, next: Next): Promise<void> {
    for (const [name, value] of pairs) ctx.set(name, value);
    await next();
  };
}
