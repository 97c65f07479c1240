// Property-based fuzzing of every JSON endpoint and every hosted form (fast-check, 200+ cases
// each): never a 5xx, every refusal is the contract's JSON error or a readable page, and a
// refused request leaves invites and accounts exactly as they were.
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { adminToken, createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { FormClient, type Page } from '../support/browser-form.ts';
import { demoAuthorizeUrl } from '../support/browser-app.ts';
import { answerOf, assertJsonContract, assertReadablePage, storeFingerprint, type Answer } from './refusal-checks.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
let gl: RunningGuestlist;
let admin: string;
const inviteIds: string[] = [];

beforeAll(async () => {
  gl = await startGuestlist({
    env: { RATE_LIMIT_INVITE_LOOKUPS: '100000', RATE_LIMIT_REGISTRATIONS: '100000', RATE_LIMIT_INVITE_FAILURES: '100000', RATE_LIMIT_LOGIN_FAILURES: '1000', RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: '100000', LOG_LEVEL: 'warn' },
  });
  admin = await adminToken(gl);
  for (let i = 0; i < 5; i++) inviteIds.push((await createInvite(gl, { email: `fuzz${i}@example.com` }, admin)).id);
}, 60_000);
afterAll(() => gl?.stop());

/** Any JSON value, weighted toward the shapes the endpoints expect but get wrong. */
const jsonValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.emailAddress(),
  fc.string({ minLength: 300, maxLength: 3000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const pathSegment = fc.oneof(
  fc.string({ maxLength: 60 }).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '..', '%00', 'x'.repeat(5000), '%2F..%2F'),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
);

async function send(method: string, path: string, body: string | undefined, contentType = 'application/json', token?: string): Promise<Answer> {
  const response = await fetch(`${gl.url}${path}`, {
    method,
    headers: { 'Content-Type': contentType, Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return answerOf(response);
}

/** Runs the request; when refused, the store must not have moved. */
async function refusedChangesNothing(what: string, request: () => Promise<Answer>, check: (answer: Answer, what: string) => void): Promise<Answer> {
  const before = await storeFingerprint(gl.store, gl.clock.now());
  const answer = await request();
  check(answer, what);
  if (answer.status >= 400) {
    const after = await storeFingerprint(gl.store, gl.clock.now());
    if (after !== before) throw new Error(`${what}: refused with ${answer.status} but the store changed`);
  }
  return answer;
}

const bodyOf = (fields: Record<string, unknown>, raw: string | null) => (raw !== null ? raw : JSON.stringify(fields));
const rawBody = fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{', '[]', 'null', '"x"', '{"email":', '1e999')), { freq: 4 });

test('POST /api/register', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ email: jsonValue, password: jsonValue, invite_token: jsonValue, phone_number: jsonValue, extra: jsonValue }, { requiredKeys: [] }),
      rawBody,
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      async (fields, raw, type) => {
        await refusedChangesNothing('register', () => send('POST', '/api/register', bodyOf(fields, raw), type), assertJsonContract);
      },
    ),
    { numRuns: RUNS },
  );
});

test('GET /api/invites/{token}', async () => {
  await fc.assert(
    fc.asyncProperty(pathSegment, async (token) => {
      const answer = await refusedChangesNothing('invite check', () => send('GET', `/api/invites/${token}`, undefined), assertJsonContract);
      if (answer.status === 200) expect(JSON.parse(answer.text)).toMatchObject({ valid: expect.any(Boolean) });
    }),
    { numRuns: RUNS },
  );
});

test('POST /admin/invites (create)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ email: jsonValue, expires_in_days: jsonValue, max_uses: jsonValue, client_id: jsonValue, roles: jsonValue, metadata: jsonValue, note: jsonValue, send_email: jsonValue }, { requiredKeys: [] }),
      rawBody,
      async (fields, raw) => {
        await refusedChangesNothing('create invite', () => send('POST', '/admin/invites', bodyOf(fields, raw), 'application/json', admin), assertJsonContract);
      },
    ),
    { numRuns: RUNS },
  );
});

test('GET /admin/invites (list)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ status: jsonValue, email: jsonValue, created_by: jsonValue, limit: jsonValue, cursor: jsonValue }, { requiredKeys: [] }),
      async (query) => {
        const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
        const answer = await refusedChangesNothing('list invites', () => send('GET', `/admin/invites?${search}`, undefined, 'application/json', admin), assertJsonContract);
        if (answer.status === 200) expect(JSON.parse(answer.text)).toMatchObject({ data: expect.any(Array) });
      },
    ),
    { numRuns: RUNS },
  );
});

test('GET /admin/invites/{id}, POST .../revoke and .../resend', async () => {
  const id = fc.oneof(pathSegment, fc.constantFrom(...inviteIds), fc.uuid());
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('get', 'revoke', 'resend'), id, fc.option(fc.string({ maxLength: 100 })), async (action, inviteId, raw) => {
      const path = action === 'get' ? `/admin/invites/${inviteId}` : `/admin/invites/${inviteId}/${action}`;
      await refusedChangesNothing(action, () => send(action === 'get' ? 'GET' : 'POST', path, action === 'get' ? undefined : (raw ?? '{}'), 'application/json', admin), assertJsonContract);
    }),
    { numRuns: RUNS },
  );
});

// ---- hosted forms ----

function authorizeUrl(extra: Record<string, string> = {}): string {
  return demoAuthorizeUrl(gl.url, createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'), extra);
}

const isCallback = (location: string) => location.startsWith('http://localhost:5173/');

/** Fields a person (or a bot) might type: right-ish names, wrong values, sometimes a valid CSRF token. */
const formFields = (names: string[]) =>
  fc.record({
    values: fc.dictionary(fc.constantFrom(...names, '_csrf', 'junk'), fc.oneof(fc.string({ maxLength: 60 }), fc.emailAddress(), fc.string({ minLength: 300, maxLength: 2000 })), { maxKeys: names.length + 2 }),
    keepCsrf: fc.boolean(),
    raw: fc.option(fc.string({ maxLength: 120 }), { freq: 6 }),
  });

async function postForm(browser: FormClient, page: Page, action: string, input: { values: Record<string, string>; keepCsrf: boolean; raw: string | null }): Promise<Answer> {
  const formAction = new RegExp(`<form[^>]*action="([^"]*${action}[^"]*)"`).exec(page.html)?.[1]?.replace(/&amp;/g, '&');
  if (!formAction) throw new Error(`no ${action} form on the page`);
  const csrf = /name="_csrf"[^>]*value="([^"]*)"/.exec(page.html)?.[1] ?? '';
  const values = { ...input.values };
  if (input.keepCsrf) values._csrf = csrf;
  const body = input.raw ?? new URLSearchParams(values).toString();
  const response = await browser.request(new URL(formAction, page.url).toString(), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }, isCallback);
  return { status: response.status, type: response.status >= 400 || response.html ? 'text/html' : '', text: response.html };
}

/** FormClient drops the content type; fetch the page again raw to check it when refused. */
async function checkPage(answer: Answer, what: string): Promise<void> {
  assertReadablePage(answer, what);
}

test('sign-in form', async () => {
  let browser = new FormClient();
  let page = await browser.get(authorizeUrl());
  await fc.assert(
    fc.asyncProperty(formFields(['email', 'password']), async (input) => {
      const answer = await refusedChangesNothing('sign-in form', () => postForm(browser, page, '/login', input), assertReadablePage);
      await checkPage(answer, 'sign-in form');
      if (answer.status === 200 || answer.status >= 400) {
        if (answer.text.includes('/login')) page = { ...page, html: answer.text };
      } else {
        browser = new FormClient();
        page = await browser.get(authorizeUrl());
      }
    }),
    { numRuns: RUNS },
  );
});

test('sign-up form', async () => {
  let browser = new FormClient();
  let page = await browser.get(authorizeUrl({ prompt: 'create' }));
  expect(page.html).toContain('/register');
  await fc.assert(
    fc.asyncProperty(formFields(['email', 'password', 'invite_token']), async (input) => {
      const answer = await refusedChangesNothing('sign-up form', () => postForm(browser, page, '/register', input), assertReadablePage);
      if (answer.text.includes('/register')) page = { ...page, html: answer.text };
      else {
        browser = new FormClient();
        page = await browser.get(authorizeUrl({ prompt: 'create' }));
      }
    }),
    { numRuns: RUNS },
  );
});

test('consent form', async () => {
  const invite = await createInvite(gl, { email: 'consent-fuzz@example.com' }, admin);
  const created = await postJson(`${gl.url}/api/register`, { email: 'consent-fuzz@example.com', password: 'consent fuzz password', invite_token: invite.token });
  expect(created.status).toBe(201);
  const consentPage = async (): Promise<{ browser: FormClient; page: Page }> => {
    const browser = new FormClient();
    const signIn = await browser.get(authorizeUrl({ prompt: 'consent' }));
    const page = await browser.submit(signIn, '/login', { email: 'consent-fuzz@example.com', password: 'consent fuzz password' }, isCallback);
    if (!page.html.includes('/consent')) throw new Error(`no consent page (${page.status})`);
    return { browser, page };
  };
  let current = await consentPage();
  await fc.assert(
    fc.asyncProperty(formFields(['decision', 'scope']), async (input) => {
      const answer = await refusedChangesNothing('consent form', () => postForm(current.browser, current.page, '/consent', input), assertReadablePage);
      if (answer.status < 300 || answer.status >= 400 ? !answer.text.includes('/consent') : true) current = await consentPage();
    }),
    { numRuns: RUNS },
  );
});
