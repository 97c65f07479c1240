// Walks every route Guestlist answers — its own routers, the OpenAPI table, the provider's
// endpoints from discovery — with other spellings of each path: case, percent-encoding, doubled
// and trailing slashes. An other spelling never reaches a handler: it is a 404 (or, at most, the
// guard's 401), never a 200 and never a 5xx, with or without a valid admin token.
import { adminToken, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';

let gl: RunningGuestlist;
let admin: string;

beforeAll(async () => {
  gl = await startGuestlist();
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

/** A concrete path for a pattern: every :param gets a plausible value. */
const concrete = (pattern: string) => pattern.replace(/\{[^}]+\}|:[A-Za-z_]+/g, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');

/** Other spellings of one path; each must mean "no such path" to every router. */
export function spellings(path: string): string[] {
  const [, first = '', rest = ''] = /^\/([^/]*)(.*)$/.exec(path)!;
  const letter = first.search(/[a-z]/i);
  const variants = new Set<string>([
    `/${first.toUpperCase()}${rest}`,
    `/${first.charAt(0).toUpperCase()}${first.slice(1)}${rest}`,
    `${path.toUpperCase()}`,
    `//${first}${rest}`,
    `${path}/`,
    `/${first}/${rest}`.replace(/\/\/$/, '//'),
  ]);
  if (letter !== -1) {
    const code = first.charCodeAt(letter).toString(16);
    variants.add(`/${first.slice(0, letter)}%${code}${first.slice(letter + 1)}${rest}`);
    variants.add(`/${first.slice(0, letter)}%${code.toUpperCase()}${first.slice(letter + 1)}${rest}`);
  }
  // A mixed-case last segment too: the guard must not depend on the first segment alone.
  const last = path.lastIndexOf('/');
  const tail = path.slice(last + 1);
  if (/[a-z]/.test(tail) && last > 0) variants.add(`${path.slice(0, last + 1)}${tail.charAt(0).toUpperCase()}${tail.slice(1)}`);
  variants.delete(path);
  return [...variants];
}

async function send(method: string, path: string, token?: string): Promise<number> {
  const response = await fetch(`${gl.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(method === 'GET' || method === 'DELETE' ? {} : { 'Content-Type': 'application/json' }) },
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
  });
  await response.arrayBuffer();
  return response.status;
}

async function everyRoute(): Promise<Array<{ method: string; path: string }>> {
  const routes = new Map<string, { method: string; path: string }>();
  const add = (method: string, path: string) => routes.set(`${method} ${path}`, { method: method.toUpperCase(), path: concrete(path) });
  for (const route of gl.guestlist.routes) add(route.method, route.path);
  const openapi = (await (await fetch(`${gl.url}/admin/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  for (const [path, operations] of Object.entries(openapi.paths)) for (const method of Object.keys(operations)) add(method, path);
  const discovery = (await (await fetch(`${gl.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  add('GET', '/.well-known/openid-configuration');
  for (const [key, value] of Object.entries(discovery)) {
    if (!key.endsWith('_endpoint') && key !== 'jwks_uri') continue;
    const path = new URL(String(value)).pathname;
    add('GET', path);
    add('POST', path);
  }
  return [...routes.values()];
}

test('the walk covers the admin, member, API and hosted routes and the provider endpoints', async () => {
  const paths = new Set((await everyRoute()).map((route) => route.path));
  for (const expected of ['/admin/invites', '/admin/users', '/admin/audit', '/account/invites', '/api/register', '/invite/', '/interaction/', '/account', '/token', '/auth', '/me', '/jwks', '/healthz', '/console/invitations/', '/console/people/', '/console/login']) {
    expect([...paths].some((path) => path.startsWith(expected))).toBe(true);
  }
});

test('guarded routes spelled exactly meet their guard: 401 without a token', async () => {
  const guarded = (await everyRoute()).filter((route) => /^\/(admin\/(?!openapi\.json)|account\/invites)/.test(route.path));
  expect(guarded.length).toBeGreaterThanOrEqual(12);
  for (const route of guarded) {
    expect([route.method, route.path, await send(route.method, route.path)]).toEqual([route.method, route.path, 401]);
  }
});

test('no other spelling of any route reaches a handler: 404 (or the guard 401), never 2xx, 3xx or 5xx', async () => {
  const refused: string[] = [];
  for (const route of await everyRoute()) {
    for (const variant of spellings(route.path)) {
      for (const token of [undefined, admin]) {
        const status = await send(route.method, variant, token);
        const allowed = token ? status === 404 : status === 404 || status === 401;
        if (!allowed) refused.push(`${route.method} ${variant} ${token ? 'with' : 'without'} a token: ${status}`);
      }
    }
  }
  expect(refused).toEqual([]);
});

test('spellings() gives the case, encoding and slash variants the walk promises', () => {
  expect(spellings('/admin/users')).toEqual(
    expect.arrayContaining(['/ADMIN/users', '/Admin/users', '/ADMIN/USERS', '//admin/users', '/admin/users/', '/admin//users', '/%61dmin/users', '/admin/Users']),
  );
});
