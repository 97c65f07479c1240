// The demo app: signed out, it offers "Sign in" and "Create account"; signed in, it shows the claims.
import { useEffect, useState, type FormEvent } from 'react';
import type { User } from 'oidc-client-ts';
import type { Auth } from './auth.ts';

/** What each `amr` value in the ID token means (RFC 8176), as the app tells its user. */
const METHODS: Record<string, string> = {
  pwd: 'password',
  fed: 'another identity provider',
  otp: 'one-time code',
  hwk: 'passkey on a device',
  swk: 'synced passkey',
  mfa: 'more than one factor',
};

/** How the person signed in, from the ID token's `amr` claim (Guestlist always sends it). */
function SignedInWith({ amr }: { amr: unknown }) {
  const methods = Array.isArray(amr) ? amr.map(String) : [];
  return (
    <p>
      Signed in with{' '}
      <span id="amr" data-amr={methods.join(' ')}>
        {methods.length ? methods.map((method) => METHODS[method] ?? method).join(', ') : 'an unknown method'}
      </span>
    </p>
  );
}

type State = { status: 'loading' } | { status: 'signed-out'; error?: string } | { status: 'signed-in'; user: User };

export function App({ auth }: { auth: Auth }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [inviteToken, setInviteToken] = useState('');

  useEffect(() => {
    let cancelled = false;
    const settle = (next: State) => {
      if (!cancelled) setState(next);
    };
    if (window.location.pathname === '/callback') {
      auth
        .finishSignIn()
        .then((user) => {
          // Drop the code and state from the address bar: they are single-use anyway.
          window.history.replaceState(null, '', '/');
          settle({ status: 'signed-in', user });
        })
        .catch((error: unknown) => {
          window.history.replaceState(null, '', '/');
          settle({ status: 'signed-out', error: error instanceof Error ? error.message : String(error) });
        });
    } else {
      auth.currentUser().then((user) => settle(user && !user.expired ? { status: 'signed-in', user } : { status: 'signed-out' }));
    }
    return () => {
      cancelled = true;
    };
  }, [auth]);

  function createAccount(event: FormEvent) {
    event.preventDefault();
    void auth.createAccount(inviteToken);
  }

  return (
    <main className="app">
      <h1>Demo app</h1>
      {state.status === 'loading' && <p>Loading…</p>}
      {state.status === 'signed-out' && (
        <>
          <p>This app has no sign-in form of its own: Guestlist shows it, and sends you back here.</p>
          {state.error && (
            <p role="alert" className="error">
              Sign-in did not complete: {state.error}
            </p>
          )}
          <button type="button" onClick={() => void auth.signIn()}>
            Sign in
          </button>
          <form onSubmit={createAccount} className="create">
            <h2>New here?</h2>
            <label htmlFor="invite-token">Invitation token (optional)</label>
            <input
              id="invite-token"
              name="invite_token"
              value={inviteToken}
              onChange={(event) => setInviteToken(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="invite-help"
            />
            <p id="invite-help" className="help">
              Paste the token from your invitation, or leave it empty and paste it on the sign-up page.
            </p>
            <button type="submit">Create account</button>
          </form>
        </>
      )}
      {state.status === 'signed-in' && (
        <>
          <p>
            Signed in as <strong id="signed-in-email">{String(state.user.profile.email ?? state.user.profile.sub)}</strong>
          </p>
          <SignedInWith amr={state.user.profile.amr} />
          <h2>Your claims</h2>
          <pre id="claims" tabIndex={0} aria-label="ID token claims">
            {JSON.stringify(state.user.profile, null, 2)}
          </pre>
          <button type="button" onClick={() => void auth.signOut()}>
            Sign out
          </button>
        </>
      )}
    </main>
  );
}
