// The OpenAPI document, generated from the documented routes themselves and the zod schemas that
// guard them (zod 4's JSON Schema output): it cannot miss a route or drift from what is enforced.
import { z } from 'zod';
import type Router from '@koa/router';
import { documentedRoutes, type DocumentedRoute, type RouteDoc } from './route-docs.ts';
import { inviteShape } from '../admin/invite-presenter.ts';
import { userShape } from '../admin/user-presenter.ts';
import { auditEventShape } from '../audit/audit-presenter.ts';
import { createInviteBody } from '../admin/invite-schemas.ts';
import { memberInviteBody } from '../member/member-invite-schemas.ts';

type Json = Record<string, unknown>;

const errorShape = z.object({ error: z.string(), message: z.string(), details: z.array(z.object({ path: z.string(), message: z.string() })).optional() });

/** Shapes named once under components.schemas and referenced wherever a route uses them. */
const NAMED_SHAPES = new Map<z.ZodType, string>([
  [errorShape, 'Error'],
  [inviteShape, 'Invite'],
  [userShape, 'User'],
  [auditEventShape, 'AuditEvent'],
  [createInviteBody, 'CreateInvite'],
  [memberInviteBody, 'MemberCreateInvite'],
]);

/** Who may call a group of routes: the guard on their router. */
export type Security = 'admin' | 'member';

export interface RouteGroup {
  routers: Router[];
  security?: Security;
}

const jsonSchema = (shape: z.ZodType): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(shape, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
};
const schemaOf = (shape: z.ZodType): Json => (NAMED_SHAPES.has(shape) ? { $ref: `#/components/schemas/${NAMED_SHAPES.get(shape)}` } : jsonSchema(shape));
const jsonContent = (shape: z.ZodType) => ({ content: { 'application/json': { schema: schemaOf(shape) } } });

/** Query parameters from a zod object: one entry per property, required when the schema says so. */
function queryParameters(shape: z.ZodObject): Json[] {
  const described = jsonSchema(shape) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(described.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: described.required?.includes(name) ?? false, schema: property }));
}

const pathParameters = (path: string): Json[] => [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));

/** `/admin/invites/:id` in the router is `/admin/invites/{id}` in OpenAPI. */
export const openApiPath = (routerPath: string) => routerPath.replace(/:([A-Za-z_]+)/g, '{$1}');

const SECURITY: Record<Security, Json[]> = { admin: [{ admin: ['admin'] }], member: [{ member: ['invites'] }] };

function operation({ path, doc }: DocumentedRoute, security: Security | undefined): Json {
  const parameters = [...pathParameters(path), ...(doc.query ? queryParameters(doc.query) : [])];
  const responses: Json = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    const content: Json = {};
    if (response.body) content['application/json'] = { schema: schemaOf(response.body) };
    if (response.ndjsonItem) content['application/x-ndjson'] = { schema: schemaOf(response.ndjsonItem) };
    responses[status] = { description: response.description, ...(Object.keys(content).length ? { content } : {}) };
  }
  // The guard answers 401 and 403 before any guarded route.
  const errors = new Set([...(doc.errors ?? []), ...(security ? [401, 403] : [])]);
  for (const status of [...errors].sort()) responses[String(status)] = { description: 'error', ...jsonContent(errorShape) };
  return {
    summary: doc.summary,
    ...(security ? { security: SECURITY[security] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body ? { requestBody: requestBody(doc) } : {}),
    responses,
  };
}

function requestBody(doc: RouteDoc): Json {
  const content: Json = { 'application/json': { schema: schemaOf(doc.body!) } };
  if (doc.csv) content['text/csv'] = { schema: { type: 'string', description: doc.csv } };
  return { required: doc.bodyRequired ?? true, content };
}

export function buildOpenApi(issuer: string, groups: RouteGroup[]): Json {
  const paths: Record<string, Json> = {};
  for (const group of groups) {
    for (const router of group.routers) {
      for (const route of documentedRoutes(router)) {
        (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route, group.security);
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Guestlist API', version: '1', description: 'Invite-gated OpenID Connect provider: admin, member and registration APIs. Errors are {error, message, details?}.' },
    servers: [{ url: issuer }],
    components: {
      securitySchemes: {
        admin: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${issuer}/token`, scopes: { admin: 'all of /admin' } } } },
        member: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, scopes: { invites: "a member's own invitations" } } } },
      },
      schemas: Object.fromEntries([...NAMED_SHAPES].map(([shape, name]) => [name, jsonSchema(shape)])),
    },
    paths,
  };
}
