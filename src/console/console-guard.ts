// The console's guard, on the console's own router: a live console session for every route, the
// CSRF token on every POST (its form body parsed here, so no POST can skip the check), no caching,
// and errors shown inside the console's frame. Without a session a page goes to sign-in and a
// POST is a 401.
import { rm } from 'node:fs/promises';
import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import type { ConsoleAccess } from '../accounts/console-access.ts';
import { AppError, errorBody } from '../errors.ts';
import { CONSOLE_COOKIE } from './console-cookies.ts';

export interface ConsoleGuardDeps {
  access: ConsoleAccess;
  /** Renders an exposed error inside the console frame. */
  renderError(ctx: Context, status: number, message: string): void;
}

/** Forms and the CSV upload: small, one file at most. */
const parseForm = koaBody({
  json: false,
  text: false,
  urlencoded: true,
  multipart: true,
  formLimit: '3mb',
  formidable: { maxFiles: 1, maxFileSize: 2 * 1024 * 1024, maxFields: 2100, allowEmptyFiles: true, minFileSize: 0 },
});

export function consoleGuard({ access, renderError }: ConsoleGuardDeps) {
  return async function guardConsole(ctx: Context, next: Next): Promise<void> {
    ctx.set('Cache-Control', 'no-store');
    const user = await access.resume(ctx.cookies.get(CONSOLE_COOKIE));
    if (!user) {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') {
        ctx.status = 303;
        ctx.redirect(`/console/login?return_to=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      throw new AppError('console_signed_out');
    }
    ctx.state.consoleUser = user;
    try {
      if (ctx.method === 'POST') {
        await parseForm(ctx, async () => {});
        const body = (ctx.request.body ?? {}) as Record<string, unknown>;
        if (!access.csrfMatches(user.session, body._csrf)) throw new AppError('csrf_failed');
      }
      await next();
    } catch (error) {
      const { status, body, headers } = errorBody(error);
      if (status >= 500 || !ctx.accepts('html')) throw error;
      ctx.set(headers);
      renderError(ctx, status, body.message);
    } finally {
      await removeUploads(ctx);
    }
  };
}

/** An upload is read by its handler or refused; either way its temporary file goes. */
async function removeUploads(ctx: Context): Promise<void> {
  const files = Object.values((ctx.request.files ?? {}) as Record<string, { filepath: string } | Array<{ filepath: string }>>).flat();
  await Promise.all(files.map((file) => rm(file.filepath, { force: true })));
}
