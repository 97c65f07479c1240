// The OpenAPI document, generated from the documented routes themselves and the zod schemas that
// guard them (zod 4's JSON Schema output): it cannot miss a route or drift from what is enforced.
import { z } from 'zod';
import type Router from '@koa/router';
import { documentedRoutes, type DocumentedRoute, type RouteDoc } from './route-docs.ts';

type Json = Record<string, unknown>;

/** Shapes carry their component name themselves (`.meta({ id })` beside the route that uses them). */
const errorShape = z
  .object({ error: z.string(), message: z.string(), details: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
  .meta({ id: 'Error' });

/** Who may call a group of routes: the guard on their router. */
export type Security = 'admin' | 'member';

export interface RouteGroup {
  routers: Router[];
  security?: Security;
}

/**
 * Named shapes met while the document is built: zod lifts every schema with an id into `$defs`;
 * they become components.schemas, and their references point there.
 */
type Components = Map<string, Json>;

function jsonSchema(shape: z.ZodType, components: Components): Json {
  const { $schema: _ignored, $defs, ...rest } = z.toJSONSchema(shape, { io: 'input', unrepresentable: 'any' }) as Json & { $defs?: Record<string, Json> };
  const toComponents = (json: Json): Json => JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  for (const [name, definition] of Object.entries($defs ?? {})) components.set(name, toComponents(definition));
  return toComponents(rest);
}

/** Query parameters from a zod object: one entry per property, required when the schema says so. */
function queryParameters(shape: z.ZodObject, components: Components): Json[] {
  const described = jsonSchema(shape, components) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(described.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: described.required?.includes(name) ?? false, schema: property }));
}

const pathParameters = (path: string): Json[] => [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));

/** `/admin/invites/:id` in the router is `/admin/invites/{id}` in OpenAPI. */
export const openApiPath = (routerPath: string) => routerPath.replace(/:([A-Za-z_]+)/g, '{$1}');

const SECURITY: Record<Security, Json[]> = { admin: [{ admin: ['admin'] }], member: [{ member: ['invites'] }] };

function operation({ path, doc }: DocumentedRoute, security: Security | undefined, components: Components): Json {
  const schemaOf = (shape: z.ZodType) => jsonSchema(shape, components);
  const parameters = [...pathParameters(path), ...(doc.query ? queryParameters(doc.query, components) : [])];
  const responses: Json = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    const content: Json = {};
    if (response.body) content['application/json'] = { schema: schemaOf(response.body) };
    if (response.ndjsonItem) content['application/x-ndjson'] = { schema: schemaOf(response.ndjsonItem) };
    responses[status] = { description: response.description, ...(Object.keys(content).length ? { content } : {}) };
  }
  // The guard answers 401 and 403 before any guarded route.
  const errors = new Set([...(doc.errors ?? []), ...(security ? [401, 403] : [])]);
  for (const status of [...errors].sort()) responses[String(status)] = { description: 'error', content: { 'application/json': { schema: schemaOf(errorShape) } } };
  return {
    summary: doc.summary,
    ...(security ? { security: SECURITY[security] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body ? { requestBody: requestBody(doc, schemaOf(doc.body)) } : {}),
    responses,
  };
}

function requestBody(doc: RouteDoc, schema: Json): Json {
  const content: Json = { 'application/json': { schema } };
  if (doc.csv) content['text/csv'] = { schema: { type: 'string', description: doc.csv } };
  return { required: doc.bodyRequired ?? true, content };
}

export function buildOpenApi(issuer: string, groups: RouteGroup[]): Json {
  const paths: Record<string, Json> = {};
  const components: Components = new Map();
  for (const group of groups) {
    for (const router of group.routers) {
      for (const route of documentedRoutes(router)) {
        (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route, group.security, components);
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
      schemas: Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))),
    },
    paths,
  };
}
