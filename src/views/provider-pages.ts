// The pages oidc-provider itself shows (its errors, the sign-out question), in Guestlist's look.
import type { ProviderPages } from '../oidc/provider.ts';
import type { ViewEngine } from './view-engine.ts';

const OIDC_ERROR_TEXT: Record<string, string> = {
  invalid_request: 'The app sent an incomplete or malformed sign-in request.',
  invalid_client: 'The app is not registered here.',
  invalid_redirect_uri: 'The app asked to return to an address it has not registered.',
  access_denied: 'Access was denied.',
  login_required: 'You need to sign in first.',
  session_not_found: 'Your sign-in took too long or the page was opened twice. Go back to the app and start again.',
};

export function createProviderPages(views: ViewEngine): ProviderPages {
  return {
    error(ctx, out) {
      ctx.type = 'html';
      // oidc-provider's descriptions are its own text (never user input), but escaping stays on.
      ctx.body = views.render('error', {
        title: 'Something went wrong',
        heading: 'We could not sign you in',
        message: OIDC_ERROR_TEXT[out.error] ?? out.error_description ?? 'The sign-in request could not be completed.',
      });
    },
    logout(ctx, form) {
      ctx.type = 'html';
      // `form` is oidc-provider's generated form (hidden inputs with its own xsrf token).
      ctx.body = views.render('logout', { title: 'Sign out', form });
    },
    loggedOut(ctx) {
      ctx.type = 'html';
      ctx.body = views.render('logged-out', { title: 'Signed out' });
    },
  };
}
