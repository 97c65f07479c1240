// Sign-in delegated to Guestlist with oidc-client-ts: authorization code with PKCE, no secret.
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

export interface Settings {
  /** Guestlist's issuer URL. */
  authority: string;
  client_id: string;
}

/**
 * Read at run time rather than baked in at build time, so one build runs against any Guestlist
 * (edit dist/config.json, or public/config.json before building).
 */
export async function loadSettings(): Promise<Settings> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const settings = (await response.json()) as Partial<Settings>;
  if (!settings.authority || !settings.client_id) throw new Error('config.json needs authority and client_id');
  return { authority: settings.authority, client_id: settings.client_id };
}

export interface Auth {
  currentUser(): Promise<User | null>;
  signIn(): Promise<void>;
  /** Opens Guestlist's sign-up page (prompt=create), with an invitation when one is given. */
  createAccount(inviteToken: string): Promise<void>;
  /** Completes the redirect back from Guestlist; returns the signed-in user. */
  finishSignIn(): Promise<User>;
  /** RP-initiated logout through Guestlist's end-session endpoint. */
  signOut(): Promise<void>;
}

export function createAuth(settings: Settings): Auth {
  const origin = window.location.origin;
  const manager = new UserManager({
    authority: settings.authority,
    client_id: settings.client_id,
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    // offline_access is left out: the provider only grants it with prompt=consent, and a
    // browser app is better off signing in again than keeping a long-lived refresh token.
    scope: 'openid email',
    // The session ends with the tab; a new tab signs in again (silently, through Guestlist's session).
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Keep how and when the person signed in (amr, acr, auth_time) in the profile: oidc-client-ts
    // drops them by default with the other protocol claims, and this app shows them.
    filterProtocolClaims: ['nbf', 'jti', 'nonce', 'azp', 'at_hash'],
  });
  return {
    currentUser: () => manager.getUser(),
    signIn: () => manager.signinRedirect(),
    createAccount: (inviteToken) =>
      manager.signinRedirect({
        prompt: 'create',
        extraQueryParams: inviteToken.trim() ? { invite_token: inviteToken.trim() } : {},
      }),
    finishSignIn: () => manager.signinRedirectCallback(),
    signOut: () => manager.signoutRedirect(),
  };
}
