// GET /admin/openapi.json: the API description, generated from the very zod schemas that guard
// the routes (zod 4's JSON Schema output), so the document cannot drift from what is enforced.
import Router from '@koa/router';
import { z } from 'zod';
import { createInviteBody, listInvitesQuery } from './invites/invite-schemas.ts';
import { bulkInviteBody, CSV_COLUMNS } from './admin/bulk-invite-input.ts';
import { listUsersQuery, setQuotaBody } from './admin/user-schemas.ts';
import { auditQuery } from './admin/audit-schemas.ts';
import { memberInviteBody, memberInviteListQuery } from './member/member-invite-schemas.ts';
import { registerBody, verifyBody } from './api/register-routes.ts';

type Json = Record<string, unknown>;

const errorShape = z.object({ error: z.string(), message: z.string(), details: z.array(z.object({ path: z.string(), message: z.string() })).optional() });
const inviteShape = z.object({
  id: z.string(),
  email: z.string().nullable(),
  status: z.enum(['pending', 'redeemed', 'expired', 'revoked']),
  uses: z.number().int(),
  max_uses: z.number().int(),
  expires_at: z.iso.datetime(),
  created_at: z.iso.datetime(),
  created_by: z.string(),
  client_id: z.string().nullable(),
  roles: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  note: z.string().nullable(),
  token: z.string().optional().describe('only when just created or resent'),
  url: z.string().optional().describe('only when just created or resent; built from issuer'),
  redemptions: z.array(z.object({ account_id: z.string(), email: z.string(), at: z.iso.datetime(), ip: z.string().nullable() })).optional(),
});
const userShape = z.object({
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  phone_number: z.string().optional(),
  phone_number_verified: z.boolean().optional(),
  roles: z.array(z.string()),
  invite_id: z.string().nullable(),
  invited_by: z.string().nullable().describe('who created the invite: walks the invite tree'),
  created_at: z.iso.datetime(),
  disabled: z.boolean(),
  invite_quota: z.number().int().nullable().describe('override of max_invites_per_user; null: the default'),
});
const auditShape = z.object({
  id: z.string(),
  type: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  invite_id: z.string().nullable().optional(),
  account_id: z.string().nullable().optional(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  reason: z.string().nullable().optional(),
});
const page = (item: z.ZodType) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });
const bulkResult = z.object({
  results: z.array(z.object({ row: z.number().int().describe('1-based data row'), status: z.enum(['created', 'error']), invite: inviteShape.optional(), error: errorShape.optional() })),
});
const registered = z.object({ message: z.string(), sub: z.string() });
const verificationRequired = z.object({ status: z.literal('verification_required'), verification_id: z.string(), channels: z.array(z.enum(['email', 'phone'])) });
const inviteCheck = z.object({ valid: z.boolean(), email: z.string().nullable().optional(), expires_at: z.iso.datetime().optional(), reason: z.enum(['expired', 'revoked', 'used', 'unknown']).optional() });

const schema = (s: z.ZodType): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (body: Json) => ({ content: { 'application/json': { schema: body } } });

/** Query parameters from a zod object: one entry per property, required when the schema says so. */
function queryParameters(s: z.ZodType): Json[] {
  const described = schema(s) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(described.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: described.required?.includes(name) ?? false, schema: property }));
}
const pathId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [String(status), { description: 'error', ...json(ref('Error')) }]));
const admin = [{ admin: ['admin'] }];
const member = [{ member: ['invites'] }];

export function buildOpenApi(issuer: string): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'Guestlist API', version: '1', description: 'Invite-gated OpenID Connect provider: admin, member and registration APIs. Errors are {error, message, details?}.' },
    servers: [{ url: issuer }],
    components: {
      securitySchemes: {
        admin: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${issuer}/token`, scopes: { admin: 'all of /admin' } } } },
        member: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, scopes: { invites: "a member's own invitations" } } } },
      },
      schemas: {
        Error: schema(errorShape),
        Invite: schema(inviteShape),
        User: schema(userShape),
        AuditEvent: schema(auditShape),
        CreateInvite: schema(createInviteBody),
        MemberCreateInvite: schema(memberInviteBody),
      },
    },
    paths: {
      '/admin/invites': {
        post: { summary: 'Create an invitation', security: admin, requestBody: { required: true, ...json(ref('CreateInvite')) }, responses: { '201': { description: 'created, with token and url (shown once)', ...json(ref('Invite')) }, ...errors(400, 401, 403) } },
        get: { summary: 'List invitations (newest first, cursor pagination)', security: admin, parameters: queryParameters(listInvitesQuery), responses: { '200': { description: 'a page', ...json(schema(page(inviteShape))) }, ...errors(400, 401, 403) } },
      },
      '/admin/invites/bulk': {
        post: {
          summary: `Create up to 1,000 invitations; CSV columns: ${CSV_COLUMNS.join(',')} (roles separated by ; or |)`,
          security: admin,
          requestBody: { required: true, content: { 'application/json': { schema: schema(bulkInviteBody) }, 'text/csv': { schema: { type: 'string' } } } },
          responses: { '200': { description: 'one result per row', ...json(schema(bulkResult)) }, ...errors(400, 401, 403, 413, 415) },
        },
      },
      '/admin/invites/{id}': { get: { summary: 'An invitation with its redemptions', security: admin, parameters: [pathId], responses: { '200': { description: 'the invite', ...json(ref('Invite')) }, ...errors(401, 403, 404) } } },
      '/admin/invites/{id}/revoke': { post: { summary: 'Revoke a pending invitation', security: admin, parameters: [pathId], responses: { '200': { description: 'revoked', ...json(ref('Invite')) }, ...errors(401, 403, 404, 409) } } },
      '/admin/invites/{id}/resend': { post: { summary: 'New token and expiry; re-emails a bound invite', security: admin, parameters: [pathId], responses: { '200': { description: 'with the new token and url', ...json(ref('Invite')) }, ...errors(401, 403, 404, 409) } } },
      '/admin/users': { get: { summary: 'List users', security: admin, parameters: queryParameters(listUsersQuery), responses: { '200': { description: 'a page', ...json(schema(page(userShape))) }, ...errors(400, 401, 403) } } },
      '/admin/users/{id}': {
        get: { summary: 'A user', security: admin, parameters: [pathId], responses: { '200': { description: 'the user', ...json(ref('User')) }, ...errors(401, 403, 404) } },
        delete: { summary: 'Delete a user and their sessions and tokens', security: admin, parameters: [pathId], responses: { '204': { description: 'deleted' }, ...errors(401, 403, 404) } },
      },
      '/admin/users/{id}/disable': { post: { summary: 'Disable: ends sessions, revokes tokens, refuses sign-in (idempotent)', security: admin, parameters: [pathId], responses: { '200': { description: 'the user', ...json(ref('User')) }, ...errors(401, 403, 404) } } },
      '/admin/users/{id}/enable': { post: { summary: 'Enable again (idempotent)', security: admin, parameters: [pathId], responses: { '200': { description: 'the user', ...json(ref('User')) }, ...errors(401, 403, 404) } } },
      '/admin/users/{id}/quota': { put: { summary: "Set the member's invite quota (null: the default)", security: admin, parameters: [pathId], requestBody: { required: true, ...json(schema(setQuotaBody)) }, responses: { '200': { description: 'the user', ...json(ref('User')) }, ...errors(400, 401, 403, 404) } } },
      '/admin/audit': {
        get: {
          summary: 'Audit events (newest first); Accept: application/x-ndjson streams the filtered log',
          security: admin,
          parameters: queryParameters(auditQuery),
          responses: { '200': { description: 'a page, or NDJSON', content: { 'application/json': { schema: schema(page(auditShape)) }, 'application/x-ndjson': { schema: ref('AuditEvent') } } }, ...errors(400, 401, 403) },
        },
      },
      '/account/invites': {
        get: { summary: "The member's own invitations and quota", security: member, parameters: queryParameters(memberInviteListQuery), responses: { '200': { description: 'a page with quota {quota, used, left}', ...json(schema(page(inviteShape).extend({ quota: z.object({ quota: z.number(), used: z.number(), left: z.number() }) }))) }, ...errors(400, 401, 403) } },
        post: { summary: 'Create an invitation within the quota and the day\'s sending (429 daily_invite_limit)', security: member, requestBody: { required: false, ...json(ref('MemberCreateInvite')) }, responses: { '201': { description: 'created, with token and url', ...json(ref('Invite')) }, ...errors(400, 401, 403, 429) } },
      },
      '/account/invites/{id}/revoke': { post: { summary: 'Revoke one of my pending invitations', security: member, parameters: [pathId], responses: { '200': { description: 'revoked', ...json(ref('Invite')) }, ...errors(401, 403, 404, 409) } } },
      '/api/register': {
        post: {
          summary: 'Create an account with an invitation',
          requestBody: { required: true, ...json(schema(registerBody)) },
          responses: { '201': { description: 'created', ...json(schema(registered)) }, '202': { description: 'a code was sent; finish at /api/register/verify', ...json(schema(verificationRequired)) }, ...errors(400, 403, 409, 429) },
        },
      },
      '/api/register/verify': { post: { summary: 'Finish a sign-up with the codes sent', requestBody: { required: true, ...json(schema(verifyBody)) }, responses: { '201': { description: 'created', ...json(schema(registered)) }, ...errors(400, 403, 404, 409, 429) } } },
      '/api/invites/{token}': { get: { summary: 'Check an invitation token without using it', parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'valid, or why not', ...json(schema(inviteCheck)) }, ...errors(429) } } },
    },
  };
}

/**
 * Served without a token, ahead of the admin guard: it holds shapes only (no data, no secrets),
 * the same facts the README publishes, and API tooling fetches it before it has any token.
 */
export function openApiRoutes({ issuer }: { issuer: string }): Router {
  const body = JSON.stringify(buildOpenApi(issuer));
  const router = new Router();
  router.get('/admin/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
