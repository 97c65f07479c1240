// One error model: AppError carries a status and a machine code (also the message key), and one
// middleware answers it as JSON or as a page depending on what the caller accepts.
import type { Context, Next } from 'koa';
import { messageFor } from './i18n/messages.ts';
import { InvalidCursorError } from './store/cursor.ts';
import { isStoreUnavailable } from './store/store-unavailable.ts';

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  /** Caller mistakes (4xx) are shown as they are; anything else goes out as a generic server error. */
  readonly expose: boolean;
  readonly details: unknown[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message?: string, options: { details?: unknown[]; headers?: Record<string, string> } = {}) {
    super(message ?? messageFor(code));
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.expose = status < 500;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (details?: unknown[], message?: string) => new AppError(400, 'invalid_request', message, { details });
export const notFound = () => new AppError(404, 'not_found');
export const conflict = (message?: string) => new AppError(409, 'conflict', message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'too_many_requests', undefined, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
export const serviceUnavailable = () => new AppError(503, 'service_unavailable');

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown[];
}

/** The JSON body for any thrown value; what is not exposed becomes a plain server_error. */
export function errorBody(error: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof AppError) {
    if (!error.expose) return { status: error.status, body: { error: error.code, message: error.message }, headers: error.headers };
    const body: ErrorBody = { error: error.code, message: error.message };
    if (error.details?.length) body.details = error.details;
    return { status: error.status, body, headers: error.headers };
  }
  // A forged or stale pagination cursor is the caller's mistake.
  if (error instanceof InvalidCursorError) {
    return { status: 400, body: { error: 'invalid_request', message: messageFor('invalid_request'), details: [{ path: 'cursor', message: 'is not valid' }] }, headers: {} };
  }
  // The request was fine but the store is out of reach: 503, so callers retry instead of giving up.
  if (isStoreUnavailable(error)) {
    return { status: 503, body: { error: 'service_unavailable', message: messageFor('service_unavailable') }, headers: { 'Retry-After': '5' } };
  }
  const status = (error as { status?: number }).status;
  const expose = (error as { expose?: boolean }).expose;
  // koa / koa-body errors (413 too large, 415, malformed JSON) carry status and expose.
  if (typeof status === 'number' && status >= 400 && status < 500 && expose) {
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    return { status, body: { error: code, message: messageFor(code) }, headers: {} };
  }
  return { status: 500, body: { error: 'server_error', message: messageFor('server_error') }, headers: {} };
}

/**
 * The paths that answer JSON, errors included. Case-insensitive on purpose: a misspelled API path
 * is refused in the API's own shape, whatever spelling reached it.
 */
const JSON_PATHS = /^\/(api|admin|account\/invites)(\/|$)/i;
export const answersJson = (path: string): boolean => JSON_PATHS.test(path);

export interface ErrorPageRenderer {
  (ctx: Context, status: number, code: string, message: string): Promise<void> | void;
}

/**
 * Answers every error from the routes below it. JSON for API callers, a page for browsers.
 * Only unexposed errors are logged: a caller's mistake is not an incident.
 */
export function errorMiddleware(options: { renderPage: ErrorPageRenderer; log: (error: unknown, ctx: Context) => void }) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const { status, body, headers } = errorBody(error);
      if (status >= 500) options.log(error, ctx);
      ctx.set(headers);
      ctx.status = status;
      const wantsJson = answersJson(ctx.path) || !ctx.accepts('html');
      if (wantsJson) {
        ctx.body = body;
      } else {
        await options.renderPage(ctx, status, body.error, body.message);
        ctx.status = status;
      }
    }
  };
}
