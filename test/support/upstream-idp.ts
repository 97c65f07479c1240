// A second, independent OpenID provider on loopback, playing the upstream identity provider: a
// plain oidc-provider with its own accounts and a tiny login form (type who you are; no password),
// not a mock. Its cookies have their own names, so one test browser can hold both providers'.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import Provider, { type Adapter, type AdapterPayload, type Configuration } from 'oidc-provider';

/** The upstream's own storage: a Map per model, as any small provider might keep (its own, not Guestlist's store). */
function memoryAdapter() {
  const records = new Map<string, AdapterPayload>();
  return class MemoryAdapter implements Adapter {
    private readonly model: string;
    constructor(model: string) {
      this.model = model;
    }
    private key = (id: string) => `${this.model}:${id}`;
    async upsert(id: string, payload: AdapterPayload) {
      records.set(this.key(id), payload);
    }
    async find(id: string) {
      return records.get(this.key(id));
    }
    async findByUid(uid: string) {
      return [...records.entries()].find(([key, value]) => key.startsWith(`${this.model}:`) && value.uid === uid)?.[1];
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const found = records.get(this.key(id));
      if (found) found.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      records.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, value] of records) if (value.grantId === grantId) records.delete(key);
    }
  };
}

/** A port free right now: Guestlist's issuer (and so the upstream's redirect URI) must name it before either starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface UpstreamAccount {
  email?: string;
  email_verified?: boolean;
  /** Google's Workspace domain claim. */
  hd?: string;
  /** Entra's tenant id, and its "email domain owner verified" optional claim. */
  tid?: string;
  xms_edov?: boolean;
}

export interface RunningUpstream {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who may sign in upstream (by login name, which is also their `sub`) and what it says of them. */
  accounts: Map<string, UpstreamAccount>;
  stop(): Promise<void>;
}

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
};

/** `redirectUri`: Guestlist's callback, registered for the upstream's one client. */
export async function startUpstream(redirectUri: string): Promise<RunningUpstream> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, UpstreamAccount>();
  const client = { client_id: 'guestlist', client_secret: 'an upstream client secret, long enough for HS256' };
  const configuration: Configuration = {
    clients: [{ ...client, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    findAccount: async (_ctx, sub) => (accounts.has(sub) ? { accountId: sub, claims: async () => ({ sub, ...accounts.get(sub) }) } : undefined),
    claims: { openid: ['sub', 'hd', 'tid', 'xms_edov'], email: ['email', 'email_verified'] },
    // Guestlist reads email from userinfo when the ID token has none: keep them out of the ID token, as many providers do.
    conformIdTokenClaims: true,
    adapter: memoryAdapter(),
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'upstream', use: 'sig', alg: 'RS256' }] } as Configuration['jwks'],
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    cookies: { keys: ['upstream test cookie key, not a secret'], names: { session: 'up_session', interaction: 'up_interaction', resume: 'up_resume' } },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party: no consent screen upstream, the grant is made at sign-in.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const oidc = provider.callback();

  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const login = /^\/interaction\/([\w-]+)\/login$/.exec(url.pathname);
    const page = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    try {
      if (page && req.method === 'GET') {
        await provider.interactionDetails(req, res);
        res.setHeader('Content-Type', 'text/html');
        res.end(`<!doctype html><html lang="en"><head><title>Upstream sign-in</title></head><body><main><h1>Upstream sign-in</h1>
          <form method="post" action="/interaction/${page[1]}/login"><label for="login">Login</label><input id="login" name="login"><button type="submit">Sign in</button></form></main></body></html>`);
        return;
      }
      if (login && req.method === 'POST') {
        const who = (await readForm(req)).get('login') ?? '';
        if (!accounts.has(who)) {
          res.statusCode = 403;
          res.end('unknown upstream account');
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: who } }, { mergeWithLastSubmission: false });
        return;
      }
      oidc(req, res);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    accounts,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
