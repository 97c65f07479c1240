// Whether an app's logout request may go ahead without a question. OpenID Connect RP-Initiated
// Logout §2 requires asking unless the id_token_hint belongs to the current session with that app;
// with it (and a registered post_logout_redirect_uri to return to) the app has proven the session.
import type { KoaContextWithOIDC } from 'oidc-provider';

interface IdTokenHint {
  payload: { sub?: unknown; sid?: unknown };
}

export function logoutProvenByApp(ctx: KoaContextWithOIDC): boolean {
  const { session, client, params } = ctx.oidc;
  // oidc-provider has already checked the hint's signature, issuer and audience, and the redirect's registration.
  const hint = (ctx.oidc.entities as { IdTokenHint?: IdTokenHint }).IdTokenHint;
  if (!hint || !client || !session?.accountId || !params?.post_logout_redirect_uri) return false;
  if (hint.payload.sub !== session.accountId) return false;
  const sid = session.sidFor(client.clientId);
  if (!sid) return false;
  // Tokens from before `sid` was in every ID token carry none: the account and the app's presence in the session must do.
  return hint.payload.sid === undefined || hint.payload.sid === sid;
}
