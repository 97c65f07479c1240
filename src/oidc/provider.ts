// Builds the oidc-provider instance: every oidc-provider option Guestlist sets lives here.
import Provider, { interactionPolicy, type ClientMetadata, type Configuration, type ErrorOut, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config.ts';
import type { Secrets } from '../secrets/secrets.ts';
import type { Store } from '../store/ports.ts';
import { createAdapterClass } from './adapter.ts';
import { CLAIMS, createFindAccount } from './find-account.ts';
import { PROVIDER_ROUTES } from './provider-routes.ts';
import { PRIVILEGED_SCOPES } from './clients.ts';
import type { InviteTokenParam } from './invite-token-param.ts';
import { assertClientIds } from './client-metadata-validation.ts';
import { recordingLogoutReceivers, type LogoutReceivers } from './logout-receivers.ts';
import { DEFAULT_ID_TOKEN_ALG, ID_TOKEN_SIGNING_ALGS } from '../secrets/signing-keys.ts';
import { mfaPrompt, type StandingLookup } from './mfa-prompt.ts';
import { ACR_SFA, ACR_VALUES } from '../mfa/authentication-methods.ts';

export interface ProviderPages {
  error(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error): Promise<void> | void;
  logout(ctx: KoaContextWithOIDC, form: string): Promise<void> | void;
  loggedOut(ctx: KoaContextWithOIDC): Promise<void> | void;
}

export interface ProviderDeps {
  config: Config;
  secrets: Secrets;
  store: Store;
  clock: () => Date;
  pages: ProviderPages;
  /** Every static client: relying parties, the admin client, Guestlist's own. */
  clients: ClientMetadata[];
  inviteTokenParam: InviteTokenParam;
  /** Learns, from every saved session, which back-channel logout apps an account is signed in to. */
  logoutReceivers?: LogoutReceivers;
  /** The account's second-factor standing, for the `mfa` prompt (mfa-prompt.ts). */
  mfaStanding: StandingLookup;
}

/**
 * `prompt=create` (OpenID "Initiating User Registration"): requestable, advertised in discovery.
 * `mfa` sits between sign-in and consent: no app gets a code before the second factor is there.
 */
function interactionPolicyWithCreate(mfaStanding: StandingLookup) {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'create', requestable: true }), 0);
  policy.add(mfaPrompt(mfaStanding), policy.findIndex((prompt) => prompt.name === 'consent'));
  return policy;
}

export function createProvider({ config, secrets, store, clock, pages, clients, inviteTokenParam, logoutReceivers, mfaStanding }: ProviderDeps): Provider {
  assertClientIds(clients);
  const secureCookies = config.issuer.startsWith('https://');
  const configuration: Configuration = {
    adapter: logoutReceivers ? recordingLogoutReceivers(createAdapterClass(store.oidc, clock), logoutReceivers) : createAdapterClass(store.oidc, clock),
    routes: PROVIDER_ROUTES,
    clients,
    findAccount: createFindAccount(store.accounts),
    claims: CLAIMS,
    // How the person signed in (authentication-methods.ts): discovery lists them, the ID token says
    // which. With second factors off, only the single-factor level can ever be given.
    acrValues: config.mfa === 'off' ? [ACR_SFA] : [...ACR_VALUES],
    scopes: ['openid', 'offline_access', 'email', 'phone', 'invites', 'admin'],
    // Keycloak and Google put the scope's claims in the ID token too; apps expect it.
    conformIdTokenClaims: false,
    // The token is sealed before the provider stores the request (invite-token-param.ts).
    extraParams: { invite_token: inviteTokenParam.seal },
    // oidc-provider does not advertise prompts itself; `create` must be discoverable.
    discovery: { prompt_values_supported: ['none', 'login', 'consent', 'create'] },
    extraClientMetadata: { properties: ['first_party'] },
    responseTypes: ['code', 'none'],
    jwks: secrets.jwks as Configuration['jwks'],
    // RS256 unless the client registers another: the registration default every RP library expects.
    // ES256 and EdDSA (smaller, cheaper signatures) for clients that ask, given a key for each.
    enabledJWA: { idTokenSigningAlgValues: ID_TOKEN_SIGNING_ALGS as NonNullable<Configuration['enabledJWA']>['idTokenSigningAlgValues'] },
    // A back-channel logout app gets `sid` in its logout tokens unless it registers otherwise.
    clientDefaults: { id_token_signed_response_alg: DEFAULT_ID_TOKEN_ALG, grant_types: ['authorization_code'], response_types: ['code'], backchannel_logout_session_required: true },
    cookies: {
      keys: secrets.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax', secure: secureCookies },
      short: { signed: true, httpOnly: true, sameSite: 'lax', secure: secureCookies },
    },
    // Every authorization-code client uses PKCE, confidential ones included.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client learns about, or revokes, only its own tokens; the admin client may inspect any.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId || client.clientId === secrets.adminClientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      // Signing out at Guestlist (or an app's RP-initiated logout) signs the person out of every
      // app in that session that registered a backchannel_logout_uri. Front-channel logout is
      // not offered: oidc-provider 9 dropped it, and third-party cookie blocking breaks it.
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx) => pages.loggedOut(ctx),
      },
    },
    interactions: {
      policy: interactionPolicyWithCreate(mfaStanding),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // First-party clients (marked first_party) skip the consent screen: the grant is implied.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (ctx.oidc.client?.metadata().first_party && ctx.oidc.session?.accountId) {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
        grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
        grant.addOIDCClaims(['email', 'email_verified', 'roles']);
        await grant.save();
        return grant;
      }
      return undefined;
    },
    // Browser apps (the React example) call the token endpoint cross-origin.
    clientBasedCORS(_ctx, origin, client) {
      return client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false;
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    renderError: (ctx, out, error) => pages.error(ctx, out, error),
    // Outgoing requests only ever go to URLs the operator registered in clients_file (there is no
    // dynamic registration): back-channel logout receivers, client jwks_uri. oidc-provider's
    // guard against special-use addresses (its dispatcher) would refuse an app on the internal
    // network or on this machine, so it is left out; the 2.5 s timeout signal stays.
    fetch: (url, options) => {
      const { dispatcher: _guard, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, rest);
    },
  };
  const provider = new Provider(config.issuer, configuration);
  // oidc-provider puts `sid` in an ID token only for back-channel apps that require it. Every app
  // gets it here (discovery lists it in claims_supported): it ties the token to the session, so an
  // app can match a logout token to it, and an id_token_hint can prove it at logout.
  provider.Client.prototype.includeSid = () => true;
  // The request's origin is pinned to the issuer before the provider sees it (pin-issuer-origin.ts),
  // through X-Forwarded-Host/-Proto: so the provider reads them, and never X-Forwarded-For untrusted.
  provider.proxy = true;
  provider.maxIpsCount = 1;
  // admin and invites open Guestlist's own APIs: they stay known to the provider (the admin client
  // and members' tokens carry them) but are not advertised as if any app could ask for them.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'discovery' || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as { scopes_supported?: string[] };
    body.scopes_supported = body.scopes_supported?.filter((scope) => !(PRIVILEGED_SCOPES as readonly string[]).includes(scope));
  });
  return provider;
}
