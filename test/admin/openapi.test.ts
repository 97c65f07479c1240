// /admin/openapi.json: generated from the route schemas, served without a token.
import { getJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';

let gl: RunningGuestlist;
beforeAll(async () => {
  gl = await startGuestlist({ extraDeps: { startWorkers: false } });
});
afterAll(() => gl.stop());

test('describes every admin, member and registration path from the same zod schemas', async () => {
  const { status, body } = await getJson(`${gl.url}/admin/openapi.json`);
  expect(status).toBe(200);
  expect(body.openapi).toBe('3.1.0');
  expect(body.servers).toEqual([{ url: gl.url }]);
  expect(Object.keys(body.paths).sort()).toEqual(
    [
      '/account/invites',
      '/account/invites/{id}/revoke',
      '/admin/audit',
      '/admin/invites',
      '/admin/invites/bulk',
      '/admin/invites/{id}',
      '/admin/invites/{id}/resend',
      '/admin/invites/{id}/revoke',
      '/admin/users',
      '/admin/users/{id}',
      '/admin/users/{id}/disable',
      '/admin/users/{id}/enable',
      '/admin/users/{id}/quota',
      '/admin/users/{id}/mfa/reset',
      '/api/invites/{token}',
      '/api/register',
      '/api/register/verify',
      '/api/register/resend',
      '/api/waitlist',
      '/api/waitlist/confirm',
      '/admin/waitlist',
      '/admin/waitlist/{id}',
      '/admin/waitlist/{id}/approve',
      '/admin/waitlist/{id}/deny',
      '/admin/waitlist/bulk/approve',
      '/admin/waitlist/bulk/deny',
      '/api/recovery',
      '/api/recovery/verify',
      '/api/recovery/complete',
      '/admin/users/{id}/recovery',
      '/admin/users/{id}/email',
    ].sort(),
  );
  const create = body.components.schemas.CreateInvite;
  expect(create.properties.expires_in_days).toMatchObject({ type: 'integer', minimum: 1, maximum: 365 });
  expect(Object.keys(create.properties)).toEqual(expect.arrayContaining(['email', 'max_uses', 'client_id', 'roles', 'metadata', 'note', 'send_email']));
  expect(body.components.schemas.MemberCreateInvite.properties.roles).toBeUndefined();
  const auditParams = body.paths['/admin/audit'].get.parameters.map((p: any) => p.name);
  expect(auditParams).toEqual(expect.arrayContaining(['type', 'invite_id', 'actor', 'ip', 'since', 'until', 'limit', 'cursor']));
  expect(body.paths['/admin/users'].get.parameters.map((p: any) => p.name)).toEqual(['email', 'invite_id', 'limit', 'cursor']);
  expect(body.paths['/api/register'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['email', 'password']));
  expect(Object.keys(body.paths['/admin/invites/bulk'].post.requestBody.content)).toEqual(['application/json', 'text/csv']);
  expect(body.paths['/admin/users/{id}'].delete.responses['204']).toBeTruthy();
  // The waitlist: a public request answering 202, admin routes behind the admin guard.
  expect(Object.keys(body.paths['/api/waitlist'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '429']));
  expect(body.paths['/api/waitlist'].post.security).toBeUndefined();
  expect(body.components.schemas.WaitlistRequest.properties.reason.anyOf).toContainEqual({ type: 'string', maxLength: 1000 });
  expect(body.paths['/admin/waitlist'].get.parameters.map((p: any) => p.name)).toEqual(['status', 'q', 'limit', 'cursor']);
  expect(body.paths['/admin/waitlist/{id}/approve'].post.security).toEqual([{ admin: ['admin'] }]);
  expect(Object.keys(body.components.schemas.WaitlistApproval.properties).sort()).toEqual(['client_id', 'expires_in_days', 'roles', 'send_email']);
  expect(body.components.schemas.RecoveryVerify.required).toEqual(['recovery_id', 'code']);
  expect(body.components.schemas.AdminRecovery.properties.expires_in_hours).toMatchObject({ minimum: 1, maximum: 168 });
  expect(body.paths['/api/recovery/complete'].post.responses['204']).toBeTruthy();
});

test('every API route Guestlist answers is in the document, with its method, and nothing else is', async () => {
  const { body } = await getJson(`${gl.url}/admin/openapi.json`);
  const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  const answered = gl.guestlist.routes
    .filter((route) => /^\/(api|admin|account\/invites)(\/|$)/.test(route.path) && route.path !== '/admin/openapi.json')
    .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`)
    .sort();
  expect(answered.length).toBeGreaterThanOrEqual(19);
  expect(documented).toEqual([...new Set(answered)]);
  // Guarded routes carry their guard's security and its 401/403.
  expect(body.paths['/admin/users'].get.security).toEqual([{ admin: ['admin'] }]);
  expect(Object.keys(body.paths['/account/invites'].post.responses)).toEqual(expect.arrayContaining(['201', '401', '403']));
  expect(body.paths['/api/register'].post.security).toBeUndefined();
});
