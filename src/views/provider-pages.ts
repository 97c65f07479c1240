// The pages oidc-provider itself shows (its errors, the sign-out question), in Guestlist's look.
import type { ProviderPages } from '../oidc/provider.ts';
import type { ViewEngine } from './view-engine.ts';
import { formatMessage } from '../i18n/format-message.ts';
import { logoutProvenByApp } from '../oidc/logout-hint.ts';

/** oidc-provider's error codes that get a sentence of their own (key `oidc_<code>` in messages.ts). */
const EXPLAINED_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_redirect_uri', 'access_denied', 'login_required', 'session_not_found']);

export function createProviderPages(views: ViewEngine): ProviderPages {
  return {
    error(ctx, out) {
      ctx.type = 'html';
      // oidc-provider's descriptions are its own text (never user input), but escaping stays on.
      ctx.body = views.render('error', {
        title: formatMessage('error_title'),
        heading: formatMessage('error_sign_in_failed'),
        message: EXPLAINED_ERRORS.has(out.error) ? formatMessage(`oidc_${out.error}`) : (out.error_description ?? formatMessage('oidc_request_failed')),
      });
    },
    logout(ctx, form) {
      ctx.type = 'html';
      // `form` is oidc-provider's generated form (hidden inputs with its own xsrf token).
      if (logoutProvenByApp(ctx)) {
        // Nothing to ask: the form signs out of Guestlist (logout=yes) and submits itself.
        const signOut = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
        ctx.body = views.render('logout', { title: formatMessage('logout_title'), form: signOut, proven: true });
        return;
      }
      ctx.body = views.render('logout', { title: formatMessage('logout_title'), form });
    },
    loggedOut(ctx) {
      ctx.type = 'html';
      ctx.body = views.render('logged-out', { title: formatMessage('logged_out_title') });
    },
  };
}
