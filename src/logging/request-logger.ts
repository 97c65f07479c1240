// One log line per request: method, redacted path, status, duration and the request id.
import type { Context, Next } from 'koa';
import type { Logger } from './logger.ts';
import { redactUrl } from './logger.ts';

export function requestLogger(logger: Logger) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      logRequestLine(logger, ctx, started);
    }
  };
}

/** The request's line; shared with paths that answer before this middleware runs (cached documents). */
export function logRequestLine(logger: Logger, ctx: Context, started: bigint): void {
  // Skipped before any work when the level is off (the line's fields are not free to build).
  if (!logger.isLevelEnabled('info')) return;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.info({ request_id: ctx.state.requestId, method: ctx.method, url: redactUrl(ctx.originalUrl), status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, 'request');
}
