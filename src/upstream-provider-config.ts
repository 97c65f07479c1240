// The `upstream_providers` entries: their schema, and the presets (Google, Microsoft Entra, GitHub)
// that fill in what those providers always need. The result is one resolved shape per provider.
import { z } from 'zod';

export const SIGNUP_MODES = ['link_only', 'invite_required', 'whitelist', 'open'] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];

const domain = z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain like example.com');

const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 lower-case letters, digits, - or _ (it is part of the redirect URI)'),
  name: z.string().trim().min(1).max(60),
  /** Fills in the issuer, endpoints and scopes of a well-known provider. */
  preset: z.enum(['google', 'entra', 'github']).optional(),
  issuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token')).min(1).optional(),
  allowed_domains: z.array(domain).default([]),
  /** Google Workspace: the hosted domain an account must belong to (the `hd` claim). */
  hd: domain.optional(),
  /** Microsoft Entra: the tenant (directory) id whose accounts alone may come in. */
  tenant: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be the tenant (directory) id, a GUID').optional(),
  signup: z.enum(SIGNUP_MODES).default('link_only'),
  trust_email: z.boolean().default(false),
});

/** A provider entry with its preset applied: everything the upstream client needs. */
export interface UpstreamProvider {
  id: string;
  name: string;
  /** `oidc`: discovery, ID token; `github`: plain OAuth 2.0 and its REST API. */
  protocol: 'oidc' | 'github';
  preset: 'google' | 'entra' | 'github' | null;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  allowedDomains: string[];
  hd: string | null;
  tenant: string | null;
  signup: SignupMode;
  trustEmail: boolean;
}

export const GITHUB = {
  issuer: 'https://github.com',
  authorizationEndpoint: 'https://github.com/login/oauth/authorize',
  tokenEndpoint: 'https://github.com/login/oauth/access_token',
  api: 'https://api.github.com',
} as const;

type Entry = z.output<typeof entrySchema>;

function resolve(entry: Entry, ctx: z.RefinementCtx): UpstreamProvider {
  const common = {
    id: entry.id,
    name: entry.name,
    preset: entry.preset ?? null,
    clientId: entry.client_id,
    clientSecret: entry.client_secret,
    allowedDomains: entry.allowed_domains,
    hd: entry.hd ?? null,
    tenant: entry.tenant ?? null,
    signup: entry.signup,
    trustEmail: entry.trust_email,
  };
  if (entry.hd && entry.preset !== 'google') ctx.addIssue({ code: 'custom', path: ['hd'], message: 'is for the google preset only' });
  if (entry.tenant && entry.preset !== 'entra') ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'is for the entra preset only' });
  switch (entry.preset) {
    case 'google':
      return { ...common, protocol: 'oidc', issuer: entry.issuer ?? 'https://accounts.google.com', scopes: entry.scopes ?? ['openid', 'email', 'profile'] };
    case 'entra':
      // The tenant's own issuer: the multi-tenant endpoints have no fixed issuer to check.
      if (!entry.tenant) ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'is required by the entra preset (the directory id)' });
      return { ...common, protocol: 'oidc', issuer: entry.issuer ?? `https://login.microsoftonline.com/${entry.tenant ?? 'unset'}/v2.0`, scopes: entry.scopes ?? ['openid', 'email', 'profile'] };
    case 'github':
      return { ...common, protocol: 'github', issuer: GITHUB.issuer, scopes: entry.scopes ?? ['read:user', 'user:email'] };
    default:
      if (!entry.issuer) ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'is required (or a preset)' });
      return { ...common, protocol: 'oidc', issuer: (entry.issuer ?? '').replace(/\/+$/, ''), scopes: entry.scopes ?? ['openid', 'email'] };
  }
}

export const upstreamProvidersSchema = z
  .array(entrySchema.transform(resolve))
  .max(20, 'must list at most 20 providers')
  .superRefine((providers, ctx) => {
    const seen = new Set<string>();
    for (const [index, provider] of providers.entries()) {
      if (seen.has(provider.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `repeats "${provider.id}"` });
      seen.add(provider.id);
    }
  });
