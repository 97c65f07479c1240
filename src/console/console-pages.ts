// Renders console pages inside the console frame: navigation for the signed-in role, the user,
// the CSRF token every form carries, and the current section marked for screen readers.
import type { Context } from 'koa';
import type { ViewEngine } from '../views/view-engine.ts';
import { mayDo } from '../security/console-roles.ts';
import { t } from '../i18n/format-message.ts';
import { consoleUser } from './console-context.ts';

const SECTIONS = [
  { path: '/console', label: 'console_nav_overview', exact: true },
  { path: '/console/invitations', label: 'console_nav_invitations' },
  { path: '/console/new-invitation', label: 'console_nav_new', needs: 'invite' },
  { path: '/console/import', label: 'console_nav_import', needs: 'invite' },
  { path: '/console/waitlist', label: 'console_nav_waitlist', feature: 'waitlist' },
  { path: '/console/people', label: 'console_nav_people' },
  { path: '/console/audit', label: 'console_nav_audit' },
  { path: '/console/deliveries', label: 'console_nav_deliveries' },
  { path: '/console/settings', label: 'console_nav_settings' },
] as const;

export interface ConsolePages {
  render(ctx: Context, view: string, title: string, data?: Record<string, unknown>, status?: number): void;
  /** A page outside the frame (sign-in steps, the 403 for someone without a console role). */
  bare(ctx: Context, view: string, title: string, data?: Record<string, unknown>, status?: number): void;
  error(ctx: Context, status: number, message: string): void;
}

/** Screens of optional parts: shown only while that part is switched on. */
export interface ConsoleFeatures {
  waitlist?: boolean;
}

export function createConsolePages(views: ViewEngine, features: ConsoleFeatures = {}): ConsolePages {
  const pages: ConsolePages = {
    render(ctx, view, title, data = {}, status = 200) {
      const user = consoleUser(ctx);
      const nav = SECTIONS.filter((section) => (!('needs' in section) || mayDo(user.role, section.needs)) && (!('feature' in section) || features[section.feature])).map((section) => ({
        href: section.path,
        label: t(section.label),
        current: 'exact' in section ? ctx.path === section.path : ctx.path === section.path || ctx.path.startsWith(`${section.path}/`),
      }));
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = views.render(view, {
        title,
        nav,
        user: { email: user.account.email, role: user.role },
        csrf: user.session.csrf,
        can: { invite: mayDo(user.role, 'invite'), manage: mayDo(user.role, 'manage') },
        ...data,
      });
    },
    bare(ctx, view, title, data = {}, status = 200) {
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = views.render(view, { title, ...data });
    },
    error(ctx, status, message) {
      const heading = t(status === 404 ? 'error_page_not_found' : status === 403 ? 'console_forbidden_heading' : 'error_title');
      pages.render(ctx, 'error', heading, { heading, message }, status);
    },
  };
  return pages;
}
