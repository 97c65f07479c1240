// One error model: a service states a machine code (the contract's `error`, also its message key);
// one table gives each code its status and whether it may be shown; one middleware answers it as
// JSON or as a page depending on what the caller accepts.
import type { Context, Next } from 'koa';
import { MESSAGES } from './i18n/messages.ts';
import { t } from './i18n/format-message.ts';
import { InvalidCursorError } from './store/cursor.ts';
import { isStoreUnavailable } from './store/store-unavailable.ts';

interface ErrorKind {
  status: number;
  /** Shown to the caller as it is; by default every 4xx is and no 5xx is (as oidc-provider's errors). */
  expose?: boolean;
  /** The contract's `error` when it differs from the code (one name, two statuses: a bearer's 401, a reset's 400). */
  wire?: string;
}

/** Every error code Guestlist answers with, and its HTTP status. */
const ERRORS = {
  invalid_request: { status: 400 },
  invalid_code: { status: 400 },
  code_expired: { status: 400 },
  // The waitlist refuses addresses at a blocked (or disposable) domain.
  email_domain_blocked: { status: 400 },
  invalid_token: { status: 401 },
  invalid_credentials: { status: 401 },
  account_signed_out: { status: 401 },
  console_signed_out: { status: 401 },
  account_disabled: { status: 403 },
  csrf_failed: { status: 403 },
  console_forbidden: { status: 403 },
  insufficient_scope: { status: 403 },
  invalid_invite: { status: 403 },
  invite_required: { status: 403 },
  email_mismatch: { status: 403 },
  quota_exceeded: { status: 403 },
  not_found: { status: 404 },
  conflict: { status: 409 },
  email_taken: { status: 409 },
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  too_many_requests: { status: 429 },
  verification_locked: { status: 429 },
  resend_limit: { status: 429 },
  resend_too_soon: { status: 429 },
  daily_invite_limit: { status: 429 },
  // Upstream identity providers (federation/).
  no_invitation: { status: 403 },
  email_unverified: { status: 403 },
  domain_not_allowed: { status: 403 },
  not_linked: { status: 403 },
  upstream_failed: { status: 400 },
  identity_linked_elsewhere: { status: 409 },
  last_sign_in_method: { status: 409 },
  upstream_unavailable: { status: 503, expose: true },
  server_error: { status: 500 },
  // The store or the SMS gateway is briefly away: the caller should hear so, and try again.
  service_unavailable: { status: 503, expose: true },
  sms_unavailable: { status: 503, expose: true },
  // Accounts after sign-up: recovery, self-service, the password policy.
  weak_password: { status: 400 },
  reset_token_invalid: { status: 400, wire: 'invalid_token' },
  recovery_locked: { status: 429 },
  reauthentication_required: { status: 403 },
  email_change_refused: { status: 403 },
  // Second factors and passkeys (src/mfa/).
  passkey_failed: { status: 400 },
  challenge_expired: { status: 400 },
  step_up_required: { status: 403 },
  last_factor: { status: 409 },
  passkey_limit: { status: 409 },
  totp_already_set: { status: 409 },
  passkey_signup_unavailable: { status: 409 },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERRORS;

// Every code doubles as a message key: the compiler refuses a code without its sentence.
const EVERY_CODE_HAS_A_MESSAGE: Record<ErrorCode, string> = MESSAGES;
void EVERY_CODE_HAS_A_MESSAGE;

export const statusOf = (code: ErrorCode): number => ERRORS[code].status;

export interface AppErrorOptions {
  /** Another sentence than the code's own (still a message, never internal detail). */
  message?: string;
  details?: unknown[];
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** The `error` the caller reads: the code, or the contract's other name for it. */
  readonly wireCode: string;
  /** Caller mistakes are shown as they are; anything else goes out as a generic server_error. */
  readonly expose: boolean;
  readonly details: unknown[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? t(code));
    const kind: ErrorKind = ERRORS[code];
    this.name = 'AppError';
    this.code = code;
    this.wireCode = kind.wire ?? code;
    this.status = kind.status;
    this.expose = kind.expose ?? kind.status < 500;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

const retryAfter = (seconds: number) => ({ 'Retry-After': String(Math.max(1, Math.ceil(seconds))) });

export const badRequest = (details?: unknown[], message?: string) => new AppError('invalid_request', { message, details });
export const notFound = (message?: string) => new AppError('not_found', { message });
export const conflict = (message?: string) => new AppError('conflict', { message });
/** Whole seconds from `now` to `until` for Retry-After, at least one. */
export const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
/** A limit's refusal: 429 (or the code's own) with Retry-After. */
export const tooManyRequests = (retryAfterSeconds: number, code: 'too_many_requests' | 'verification_locked' | 'resend_limit' | 'resend_too_soon' | 'daily_invite_limit' | 'recovery_locked' = 'too_many_requests') =>
  new AppError(code, { headers: retryAfter(retryAfterSeconds) });
export const serviceUnavailable = () => new AppError('service_unavailable');

/**
 * The paths that answer JSON, errors included. Case-insensitive on purpose: a misspelled API path
 * is refused in the API's own shape, whatever spelling reached it.
 */
const JSON_PATHS = /^\/(api|admin|account\/invites)(\/|$)/i;
export const answersJson = (path: string): boolean => JSON_PATHS.test(path);

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown[];
}

const SERVER_ERROR = { status: 500, body: { error: 'server_error', message: t('server_error') }, headers: {} };

/** The JSON body for any thrown value; what is not exposed becomes a plain server_error. */
export function errorBody(error: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof AppError) {
    // Like oidc-provider's err_out: an unexposed error's own words never reach the caller.
    if (!error.expose) return SERVER_ERROR;
    const body: ErrorBody = { error: error.wireCode, message: error.message };
    if (error.details?.length) body.details = error.details;
    return { status: error.status, body, headers: error.headers };
  }
  // A forged or stale pagination cursor is the caller's mistake.
  if (error instanceof InvalidCursorError) {
    return { status: 400, body: { error: 'invalid_request', message: t('invalid_request'), details: [{ path: 'cursor', message: 'is not valid' }] }, headers: {} };
  }
  // The request was fine but the store is out of reach: 503, so callers retry instead of giving up.
  if (isStoreUnavailable(error)) {
    return { status: 503, body: { error: 'service_unavailable', message: t('service_unavailable') }, headers: { 'Retry-After': '5' } };
  }
  const status = (error as { status?: number }).status;
  const expose = (error as { expose?: boolean }).expose;
  // koa / koa-body errors (413 too large, 415, malformed JSON) carry status and expose.
  if (typeof status === 'number' && status >= 400 && status < 500 && expose) {
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    return { status, body: { error: code, message: t(code) }, headers: {} };
  }
  return SERVER_ERROR;
}

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
