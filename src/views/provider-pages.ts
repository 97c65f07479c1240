// The pages oidc-provider itself shows (its errors, the sign-out question), in Guestlist's look.
import type { ProviderPages } from '../oidc/provider.ts';
import type { ViewEngine } from './view-engine.ts';
import { isMessageKey, t } from '../i18n/format-message.ts';
import { logoutProvenByApp } from '../oidc/logout-hint.ts';

/** oidc-provider's error codes that get a sentence of their own (key `oidc_<code>` in messages.ts). */
const EXPLAINED_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_redirect_uri', 'access_denied', 'login_required', 'session_not_found']);

/** The sentence of an explained error, or undefined for the rest. */
function explained(error: string): string | undefined {
  const key = `oidc_${error}`;
  return EXPLAINED_ERRORS.has(error) && isMessageKey(key) ? t(key) : undefined;
}

export function createProviderPages(views: ViewEngine): ProviderPages {
  return {
    error(ctx, out) {
      ctx.type = 'html';
      // oidc-provider's descriptions are its own text (never user input), but escaping stays on.
      ctx.body = views.render('error', {
        title: t('error_title'),
        heading: t('error_sign_in_failed'),
        message: explained(out.error) ?? out.error_description ?? t('oidc_request_failed'),
      });
    },
    logout(ctx, form) {
      ctx.type = 'html';
      // `form` is oidc-provider's generated form (hidden inputs with its own xsrf token).
      if (logoutProvenByApp(ctx)) {
        // Nothing to ask: the form signs out of Guestlist (logout=yes) and submits itself.
        const signOut = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
        ctx.body = views.render('logout', { title: t('logout_title'), form: signOut, proven: true });
        return;
      }
      ctx.body = views.render('logout', { title: t('logout_title'), form });
    },
    loggedOut(ctx) {
      ctx.type = 'html';
      ctx.body = views.render('logged-out', { title: t('logged_out_title') });
    },
  };
}
