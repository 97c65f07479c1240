// Routes that describe themselves: each API route is declared once, with its handler and what the
// OpenAPI document says of it, so the document is generated from the routes and cannot miss one.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { createRouter } from '../security/strict-router.ts';

export interface ResponseDoc {
  description: string;
  /** The JSON body; none for an empty answer (204). */
  body?: z.ZodType;
  /** An NDJSON stream of this item shape, offered beside the JSON body. */
  ndjsonItem?: z.ZodType;
}

export interface RouteDoc {
  summary: string;
  query?: z.ZodObject;
  /** The JSON request body. */
  body?: z.ZodType;
  /** False when the body may be left out altogether. */
  bodyRequired?: boolean;
  /** A text/csv request body is accepted too, described by this sentence. */
  csv?: string;
  responses: Record<number, ResponseDoc>;
  /** Error statuses the route itself answers (the guard's 401 and 403 are added for guarded routes). */
  errors?: number[];
}

export interface DocumentedRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  doc: RouteDoc;
}

const documentedRoutesOf = new WeakMap<Router, DocumentedRoute[]>();

type Declare = (path: string, doc: RouteDoc, ...middleware: Middleware[]) => void;

/** A strict router whose routes are declared with their description. */
export function documentedRouter(): { router: Router; route: Record<DocumentedRoute['method'], Declare> } {
  const router = createRouter();
  const routes: DocumentedRoute[] = [];
  documentedRoutesOf.set(router, routes);
  const declare =
    (method: DocumentedRoute['method']): Declare =>
    (path, doc, ...middleware) => {
      routes.push({ method, path, doc });
      router[method](path, ...(middleware as Parameters<Router['get']>[1][]));
    };
  return { router, route: { get: declare('get'), post: declare('post'), put: declare('put'), delete: declare('delete') } };
}

/** What a router's routes say of themselves; empty for a router that is not documented. */
export function documentedRoutes(router: Router): DocumentedRoute[] {
  return documentedRoutesOf.get(router) ?? [];
}
