// What every console handler knows about the request: the signed-in console user (set by the
// guard), the audit meta marked `via: console`, and the actor each service expects.
import type { Context } from 'koa';
import type { ConsoleUser } from '../accounts/console-access.ts';
import { mayDo, type ConsolePermission } from '../security/console-roles.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { Actor } from '../invites/invite-service.ts';
import { AppError } from '../errors.ts';
import { requestMeta } from '../security/request-context.ts';

/** The guard sets it before any console route runs; a route without it is a wiring bug. */
export function consoleUser(ctx: Context): ConsoleUser {
  const user = ctx.state.consoleUser as ConsoleUser | undefined;
  if (!user) throw new Error('consoleUser: the console guard did not run before this route');
  return user;
}

export const consoleMeta = (ctx: Context): RequestMeta => ({ ...requestMeta(ctx), via: 'console' });

/** Console users act as admins toward invitations (no member quota); only an admin hands out console roles. */
export function inviteActor(ctx: Context): Actor {
  const user = consoleUser(ctx);
  return { id: user.account.id, kind: 'admin', mayGrantConsoleRoles: mayDo(user.role, 'manage') };
}

/** Route middleware: the signed-in role must allow `permission`, or the answer is 403. */
export function allow(permission: ConsolePermission) {
  return async (ctx: Context, next: () => Promise<unknown>) => {
    if (!mayDo(consoleUser(ctx).role, permission)) throw new AppError('console_forbidden');
    await next();
  };
}
