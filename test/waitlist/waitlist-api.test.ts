// The waitlist over HTTP: the same answer whatever an address stands for, the per-address and
// per-email limits with their alert, the honeypot, blocked and disposable domains, expiry after
// 48 hours, the code's attempt limit, what a confirmation says, and the admin API (queue, search,
// keyset pages, approve, deny, bulk, auto-approval, position).
import { adminToken, createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { call } from '../audit/http.ts';
import { FormClient, textOf } from '../support/browser-form.ts';
import type { MailMessage, MailTransport } from '../../src/mail/mail-transport.ts';
import { DAY, MINUTE } from '../support/test-clock.ts';

/** A transport that keeps every message: the confirmation's link and code are read from it. */
function capturingTransport(): MailTransport & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { messageId: String(sent.length) };
    },
  };
}

interface Running {
  gl: RunningGuestlist;
  mail: MailMessage[];
  admin: string;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const transport = capturingTransport();
  const gl = await startGuestlist({ env: { ENABLE_WAITLIST: 'true', TRUST_PROXY: 'true', ...env }, extraDeps: { startWorkers: false, mailTransport: transport } });
  return { gl, mail: transport.sent, admin: await adminToken(gl) };
}

let address = 0;
/** Each call from its own address (behind the trusted proxy), unless one is given. */
const from = (ip?: string) => ({ 'X-Forwarded-For': ip ?? `198.51.100.${(address++ % 250) + 1}` });

const ask = (r: Running, body: Record<string, unknown>, ip?: string) => call('POST', `${r.gl.url}/api/waitlist`, { body, headers: from(ip) });
const confirm = (r: Running, body: Record<string, unknown>, ip?: string) => call('POST', `${r.gl.url}/api/waitlist/confirm`, { body, headers: from(ip) });

async function lastMailTo(r: Running, to: string): Promise<MailMessage> {
  await r.gl.guestlist.services.mail.drain();
  const found = r.mail.filter((message) => message.to === to);
  if (!found.length) throw new Error(`no mail to ${to}`);
  return found[found.length - 1]!;
}

async function secretsFor(r: Running, to: string) {
  const text = (await lastMailTo(r, to)).text;
  return { token: /\/waitlist\/confirm\/([A-Za-z0-9_-]{43})/.exec(text)![1]!, code: /^ {4}(\d{6})$/m.exec(text)![1]! };
}

/** Asks and confirms by the link: the request is in the queue. Returns the entry. */
async function queued(r: Running, email: string, extra: Record<string, unknown> = {}) {
  expect((await ask(r, { email, ...extra })).status).toBe(202);
  const { token } = await secretsFor(r, email);
  const confirmed = await confirm(r, { token });
  expect(confirmed.status).toBe(200);
  const entry = (await getJson(`${r.gl.url}/admin/waitlist?q=${encodeURIComponent(email)}`, r.admin)).body.data[0];
  return { entry, outcome: confirmed.body };
}

describe('switched off (the default)', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ ENABLE_WAITLIST: 'false' });
  });
  afterAll(() => r.gl.stop());

  test('the form, its API and the confirmation are not there, and no page offers them', async () => {
    expect((await ask(r, { email: 'ada@example.com' })).status).toBe(404);
    expect((await confirm(r, { token: 'x'.repeat(43) })).status).toBe(404);
    expect((await new FormClient().get(`${r.gl.url}/waitlist`)).status).toBe(404);
    expect((await new FormClient().get(`${r.gl.url}/waitlist/confirm/${'x'.repeat(43)}`)).status).toBe(404);
    expect(r.mail).toEqual([]);
    const refused = await call('POST', `${r.gl.url}/api/register`, { body: { email: 'nobody@example.com', password: 'long enough password' } });
    expect(refused.body).toMatchObject({ error: 'invite_required', message: 'An invitation is required to create an account.' });
    // The admin queue is still there (empty), so entries kept from a time it was on stay reachable.
    expect((await getJson(`${r.gl.url}/admin/waitlist`, r.admin)).body).toEqual({ data: [], next_cursor: null });
  });
});

describe('asking and confirming', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ WAITLIST_SHOW_POSITION: 'true', WAITLIST_BLOCKED_DOMAINS: 'blocked.example' });
  });
  afterAll(() => r.gl.stop());

  test('new, queued, invited or member: the same status, body and confirmation email, and nothing said until the address is proven', async () => {
    await queued(r, 'queued@example.com');
    await createInvite(r.gl, { email: 'invited@example.com', send_email: false });
    const member = await createInvite(r.gl, { email: 'member@example.com', send_email: false });
    expect((await postJson(`${r.gl.url}/api/register`, { email: 'member@example.com', password: 'long enough password', invite_token: member.token })).status).toBe(201);

    const who = ['new@example.com', 'queued@example.com', 'invited@example.com', 'member@example.com'];
    const answers = [];
    for (const email of who) answers.push(await ask(r, { email, name: 'Same Name', reason: 'same reason' }));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(Object.keys(answer.body).sort()).toEqual(['request_id', 'status']);
      expect(answer.body.status).toBe('confirmation_sent');
      expect(answer.headers.get('content-type')).toBe(answers[0]!.headers.get('content-type'));
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    // One confirmation each, identical but for the address and its secrets.
    const neutral = async (email: string) => {
      const message = await lastMailTo(r, email);
      return { subject: message.subject, text: message.text.replaceAll(email, 'EMAIL').replace(/[A-Za-z0-9_-]{43}/g, 'TOKEN').replace(/^ {4}\d{6}$/m, 'CODE') };
    };
    const mails = await Promise.all(who.map(neutral));
    for (const mail of mails) expect(mail).toEqual(mails[0]);

    // Proof of the address is what tells each one where it stands.
    const outcomes = [];
    for (const email of who) outcomes.push((await confirm(r, { token: (await secretsFor(r, email)).token })).body);
    expect(outcomes).toEqual([{ status: 'queued', ahead: 1 }, { status: 'already_requested', ahead: 0 }, { status: 'already_invited' }, { status: 'already_member' }]);
    // Only the new address joined the queue; the others' requests are used up.
    expect((await getJson(`${r.gl.url}/admin/waitlist`, r.admin)).body.data.map((e: { email: string }) => e.email)).toEqual(['queued@example.com', 'new@example.com']);
    expect((await confirm(r, { token: (await secretsFor(r, 'member@example.com')).token })).status).toBe(404);
  });

  test('the honeypot: a filled one gets the same answer, but nothing is stored or sent, and the audit log says why', async () => {
    const before = r.mail.length;
    const bot = await ask(r, { email: 'bot@example.com', website: 'http://spam.example' });
    expect(bot.status).toBe(202);
    expect(Object.keys(bot.body).sort()).toEqual(['request_id', 'status']);
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.length).toBe(before);
    expect((await confirm(r, { request_id: bot.body.request_id, code: '123456' })).status).toBe(404);
    const events = (await getJson(`${r.gl.url}/admin/audit?type=waitlist.requested`, r.admin)).body.data;
    expect(events[0]).toMatchObject({ reason: 'honeypot', data: { email_domain: 'example.com' } });
  });

  test('blocked and disposable domains are refused with their own code, and nothing is sent', async () => {
    const before = r.mail.length;
    for (const email of ['a@blocked.example', 'a@mail.blocked.example', 'a@mailinator.com']) {
      const refused = await ask(r, { email });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'email_domain_blocked', details: [{ path: 'email' }] });
    }
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.length).toBe(before);
  });

  test('bad input is a 400 that names the field and changes nothing', async () => {
    const before = r.mail.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'email'],
      [{ email: 'not an email' }, 'email'],
      [{ email: 'ok@example.com', reason: 'x'.repeat(1001) }, 'reason'],
      [{ email: 'ok@example.com', name: 'two\nlines' }, 'name'],
      [{ email: 'ok@example.com', ref: 'r'.repeat(201) }, 'ref'],
    ];
    for (const [body, path] of cases) {
      const refused = await ask(r, body);
      expect([refused.status, refused.body.error, refused.body.details?.[0]?.path]).toEqual([400, 'invalid_request', path]);
    }
    expect((await ask(r, { email: 'ok@example.com', reason: 'x'.repeat(1000) })).status).toBe(202);
    expect((await confirm(r, { token: 'abc', code: '123456' })).status).toBe(400);
    expect((await confirm(r, { request_id: 'abc' })).status).toBe(400);
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.length).toBe(before + 1);
  });

  test('after 48 hours the link and the code no longer confirm, and the request is gone', async () => {
    const asked = await ask(r, { email: 'late@example.com' });
    const { token, code } = await secretsFor(r, 'late@example.com');
    r.gl.clock.advance(2 * DAY);
    r.admin = await adminToken(r.gl);
    const byLink = await confirm(r, { token });
    expect(byLink.status).toBe(404);
    expect(byLink.body.message).toBe('This confirmation has expired or was already used. Ask for an invitation again.');
    expect((await confirm(r, { request_id: asked.body.request_id, code })).status).toBe(404);
    expect((await getJson(`${r.gl.url}/admin/waitlist?q=late@`, r.admin)).body.data).toEqual([]);
    // A fresh request works as ever (the expired one was swept as it came in).
    expect((await ask(r, { email: 'late@example.com' })).status).toBe(202);
    expect(await r.gl.store.waitlist.findById(asked.body.request_id)).toBeNull();
  });

  test('five wrong codes lock a request; the right one is refused after that, the link still works', async () => {
    const asked = await ask(r, { email: 'guess@example.com' });
    const { token, code } = await secretsFor(r, 'guess@example.com');
    const wrong = code === '000000' ? '999999' : '000000';
    const remaining = [];
    for (let i = 0; i < 5; i++) remaining.push((await confirm(r, { request_id: asked.body.request_id, code: wrong })).body.details[0].remaining_attempts);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const locked = await confirm(r, { request_id: asked.body.request_id, code });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('verification_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await confirm(r, { token })).body).toMatchObject({ status: 'queued' });
  });
});

describe('limits', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ RATE_LIMIT_WAITLIST_REQUESTS: '3', RATE_LIMIT_WAITLIST_PER_EMAIL: '2' });
  });
  afterAll(() => r.gl.stop());

  const alerts = async (kind: string) => (await getJson(`${r.gl.url}/admin/audit?type=security.alert`, r.admin)).body.data.filter((e: { reason: string }) => e.reason === `${kind}_limit`);

  test('per address: past the limit a 429 with Retry-After and one security.alert, for every address it names', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(r, { email: `spray${i}@example.com` }, '203.0.113.9')).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const refused = await ask(r, { email: 'another@example.com' }, '203.0.113.9');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await alerts('waitlist_request')).toHaveLength(1);
    // Another address is not held back by this one.
    expect((await ask(r, { email: 'fine@example.com' }, '203.0.113.10')).status).toBe(202);
  });

  test('per email: a third request for one address in a day is refused from any address, and one confirmation fewer goes out', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(r, { email: 'victim@example.com' })).status);
    expect(statuses).toEqual([202, 202, 429]);
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.filter((m) => m.to === 'victim@example.com')).toHaveLength(2);
    expect(await alerts('waitlist_email')).toHaveLength(1);
    // The alert names no address: the counter is keyed by a hash.
    expect(JSON.stringify(await alerts('waitlist_email'))).not.toContain('victim');
    r.gl.clock.advance(DAY + MINUTE);
    r.admin = await adminToken(r.gl);
    expect((await ask(r, { email: 'victim@example.com' })).status).toBe(202);
  });
});

describe('the admin API', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ WAITLIST_AUTO_APPROVE_DOMAINS: 'partner.example' });
  });
  afterAll(() => r.gl.stop());

  test('the queue: oldest first, status filter, search by address or @domain, keyset pages, a bad cursor is a 400', async () => {
    for (const email of ['q1@acme.example', 'q2@acme.example', 'q3@other.example']) await queued(r, email);
    const all = await getJson(`${r.gl.url}/admin/waitlist?limit=2`, r.admin);
    expect(all.body.data.map((e: { email: string }) => e.email)).toEqual(['q1@acme.example', 'q2@acme.example']);
    const next = await getJson(`${r.gl.url}/admin/waitlist?limit=2&cursor=${all.body.next_cursor}`, r.admin);
    expect(next.body).toEqual({ data: [expect.objectContaining({ email: 'q3@other.example' })], next_cursor: null });
    expect((await getJson(`${r.gl.url}/admin/waitlist?q=%40ACME.example`, r.admin)).body.data).toHaveLength(2);
    expect((await getJson(`${r.gl.url}/admin/waitlist?q=q3`, r.admin)).body.data).toHaveLength(1);
    expect((await getJson(`${r.gl.url}/admin/waitlist?status=approved`, r.admin)).body.data).toEqual([]);
    expect((await getJson(`${r.gl.url}/admin/waitlist?status=unconfirmed`, r.admin)).status).toBe(400);
    expect((await getJson(`${r.gl.url}/admin/waitlist?cursor=forged`, r.admin)).status).toBe(400);
    expect((await getJson(`${r.gl.url}/admin/waitlist`)).status).toBe(401);
  });

  test('approve: 201 with the bound invitation; a second approval or a denial is 409, an unknown id 404, a bad client 400 that changes nothing', async () => {
    const { entry } = await queued(r, 'approve-me@example.com');
    const badClient = await postJson(`${r.gl.url}/admin/waitlist/${entry.id}/approve`, { client_id: 'no-such-app' }, r.admin);
    expect([badClient.status, badClient.body.error]).toEqual([400, 'invalid_request']);
    expect((await getJson(`${r.gl.url}/admin/waitlist/${entry.id}`, r.admin)).body.status).toBe('pending');
    const approved = await postJson(`${r.gl.url}/admin/waitlist/${entry.id}/approve`, { roles: ['beta'], expires_in_days: 3, send_email: false }, r.admin);
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ email: 'approve-me@example.com', roles: ['beta'], max_uses: 1, metadata: { waitlist_entry_id: entry.id }, token: expect.any(String), url: expect.stringContaining('/invite/') });
    expect(Date.parse(approved.body.expires_at) - r.gl.clock.now().getTime()).toBe(3 * DAY);
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.filter((m) => m.to === 'approve-me@example.com' && m.subject.startsWith('Your invitation'))).toEqual([]);
    const twice = await postJson(`${r.gl.url}/admin/waitlist/${entry.id}/approve`, {}, r.admin);
    expect([twice.status, twice.body.error]).toEqual([409, 'conflict']);
    expect((await postJson(`${r.gl.url}/admin/waitlist/${entry.id}/deny`, {}, r.admin)).status).toBe(409);
    expect((await postJson(`${r.gl.url}/admin/waitlist/00000000-0000-0000-0000-000000000000/approve`, {}, r.admin)).status).toBe(404);
    expect((await getJson(`${r.gl.url}/admin/invites?email=approve-me@example.com`, r.admin)).body.data).toHaveLength(1);
  });

  test('an unconfirmed request is not in the queue: it cannot be seen, approved or denied', async () => {
    const asked = await ask(r, { email: 'unproven@example.com' });
    expect((await getJson(`${r.gl.url}/admin/waitlist/${asked.body.request_id}`, r.admin)).status).toBe(404);
    expect((await postJson(`${r.gl.url}/admin/waitlist/${asked.body.request_id}/approve`, {}, r.admin)).status).toBe(404);
    expect((await postJson(`${r.gl.url}/admin/waitlist/${asked.body.request_id}/deny`, {}, r.admin)).status).toBe(404);
  });

  test('racing approvals: one invitation stands, the loser is withdrawn', async () => {
    const { entry } = await queued(r, 'raced@example.com');
    const answers = await Promise.all(Array.from({ length: 4 }, () => postJson(`${r.gl.url}/admin/waitlist/${entry.id}/approve`, { send_email: false }, r.admin)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    const invites = (await getJson(`${r.gl.url}/admin/invites?email=raced@example.com`, r.admin)).body.data;
    expect(invites.filter((i: { status: string }) => i.status === 'pending')).toHaveLength(1);
    expect((await getJson(`${r.gl.url}/admin/waitlist/${entry.id}`, r.admin)).body.invite_id).toBe(invites.find((i: { status: string }) => i.status === 'pending').id);
  });

  test('bulk approve and deny: one result per id, in order, a refused row never stopping the others; more than 1,000 ids is a 400', async () => {
    const a = (await queued(r, 'bulk-a@example.com')).entry;
    const b = (await queued(r, 'bulk-b@example.com')).entry;
    const c = (await queued(r, 'bulk-c@example.com')).entry;
    const approved = await postJson(`${r.gl.url}/admin/waitlist/bulk/approve`, { ids: [a.id, 'unknown', b.id, a.id], roles: ['wave-2'] }, r.admin);
    expect(approved.status).toBe(200);
    expect(approved.body.results.map((row: { row: number; status: string; error?: { error: string } }) => [row.row, row.status, row.error?.error ?? null])).toEqual([
      [1, 'approved', null],
      [2, 'error', 'not_found'],
      [3, 'approved', null],
      [4, 'error', 'conflict'],
    ]);
    expect(approved.body.results[0].invite).toMatchObject({ email: 'bulk-a@example.com', roles: ['wave-2'], metadata: { waitlist_entry_id: a.id } });
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.filter((m) => m.subject === 'Your invitation to Guestlist').map((m) => m.to)).toEqual(expect.arrayContaining(['bulk-a@example.com', 'bulk-b@example.com']));
    const denied = await postJson(`${r.gl.url}/admin/waitlist/bulk/deny`, { ids: [c.id, b.id], reason: 'full' }, r.admin);
    expect(denied.body.results.map((row: { status: string }) => row.status)).toEqual(['denied', 'error']);
    expect(denied.body.results[0].entry).toMatchObject({ status: 'denied', denial_reason: 'full' });
    const tooMany = await postJson(`${r.gl.url}/admin/waitlist/bulk/deny`, { ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) }, r.admin);
    expect([tooMany.status, tooMany.body.details[0].path]).toEqual([400, 'ids']);
    expect((await postJson(`${r.gl.url}/admin/waitlist/bulk/approve`, { ids: [] }, r.admin)).status).toBe(400);
  });

  test('a confirmed request from an auto-approved domain gets its invitation at once, created by system', async () => {
    expect((await ask(r, { email: 'pat@partner.example' })).status).toBe(202);
    const { token } = await secretsFor(r, 'pat@partner.example');
    expect((await confirm(r, { token })).body).toEqual({ status: 'invited' });
    const entry = (await getJson(`${r.gl.url}/admin/waitlist?q=pat@`, r.admin)).body.data[0];
    expect(entry).toMatchObject({ status: 'approved', decided_by: 'system', invite_id: expect.any(String) });
    const invite = (await getJson(`${r.gl.url}/admin/invites/${entry.invite_id}`, r.admin)).body;
    expect(invite).toMatchObject({ email: 'pat@partner.example', created_by: 'system', metadata: { waitlist_entry_id: entry.id } });
    expect((await lastMailTo(r, 'pat@partner.example')).subject).toBe('Your invitation to Guestlist');
    // A subdomain is not the trusted organisation.
    await ask(r, { email: 'eve@evil.partner.example' });
    expect((await confirm(r, { token: (await secretsFor(r, 'eve@evil.partner.example')).token })).body).toEqual({ status: 'queued' });
  });

  test('the approved, denied and auto-approved steps are audited with the entry, and no event holds a secret', async () => {
    const events = (await getJson(`${r.gl.url}/admin/audit?limit=200`, r.admin)).body.data as Array<{ type: string; actor: string; data: Record<string, unknown> | null }>;
    expect(events.filter((e) => e.type === 'waitlist.approved' && e.actor === 'system')).toEqual([expect.objectContaining({ data: expect.objectContaining({ auto: true, email_domain: 'partner.example' }) })]);
    expect(events.filter((e) => e.type === 'waitlist.denied')[0]).toMatchObject({ reason: 'full', data: expect.objectContaining({ notified: false }) });
    const tokens = r.mail.flatMap((m) => [...m.text.matchAll(/[A-Za-z0-9_-]{43}/g)].map((match) => match[0]));
    expect(tokens.length).toBeGreaterThan(5);
    const json = JSON.stringify(events);
    for (const token of tokens) expect(json).not.toContain(token);
  });
});

describe('the hosted pages', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ WAITLIST_REASON_PROMPT: 'What will you build?', WAITLIST_SHOW_POSITION: 'true' });
  });
  afterAll(() => r.gl.stop());

  test('the form shows the configured question, keeps ?ref=, and re-shows what was typed beside each refusal', async () => {
    const browser = new FormClient();
    const form = await browser.get(`${r.gl.url}/waitlist?ref=member-42`);
    expect(form.html).toContain('What will you build? (optional)');
    expect(form.html).toContain('name="ref" value="member-42"');
    expect(form.html).toMatch(/class="hp"[\s\S]*name="website"/);
    const refused = await browser.submit(form, '/waitlist', { email: 'not-an-email', name: 'Kay', reason: 'x'.repeat(1001) });
    expect(refused.status).toBe(400);
    expect(textOf(refused.html, 'email-error')).toBe('Email must be a valid email address.');
    expect(textOf(refused.html, 'reason-error')).toBe('The reason must be at most 1000 characters.');
    expect(refused.html).toContain('value="Kay"');
    const blocked = await browser.submit(refused, '/waitlist', { email: 'kay@mailinator.com', reason: 'ok' });
    expect(blocked.status).toBe(400);
    expect(textOf(blocked.html, 'email-error')).toBe('Addresses at this email domain cannot ask for an invitation. Use another address.');
    const sent = await browser.submit(blocked, '/waitlist', { email: 'kay@example.com', reason: 'ok' });
    expect(sent.status).toBe(200);
    const done = await browser.submit(sent, '/waitlist/confirm', { code: (await secretsFor(r, 'kay@example.com')).code });
    expect(textOf(done.html, 'waitlist-position')).toBe('Requests ahead of yours: 0.');
    expect((await getJson(`${r.gl.url}/admin/waitlist?q=kay@`, r.admin)).body.data[0]).toMatchObject({ ref: 'member-42', reason: 'ok' });
  });

  test('a form without its CSRF token is refused and stores nothing', async () => {
    const response = await fetch(`${r.gl.url}/waitlist`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, body: 'email=csrf%40example.com' });
    expect(response.status).toBe(403);
    await r.gl.guestlist.services.mail.drain();
    expect(r.mail.filter((m) => m.to === 'csrf@example.com')).toEqual([]);
  });

  test('sign-in, sign-up and the expired and used invitation pages offer "Request an invitation"; the API says where', async () => {
    const browser = new FormClient();
    const signIn = await browser.get(`${r.gl.url}/auth?client_id=demo-app&response_type=code&redirect_uri=${encodeURIComponent('http://localhost:5173/callback')}&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`);
    expect(textOf(signIn.html, 'waitlist-offer')).toBe('No invitation yet? Request an invitation');
    const signUp = await browser.get(signIn.url.replace(/\/interaction\/([^/]+).*/, '/interaction/$1/signup'));
    expect(signUp.html).toContain('href="/waitlist"');
    const required = await browser.submit(signUp, '/register', { email: 'nobody@example.com', password: 'long enough password' });
    expect(textOf(required.html, 'invite-error')).toBe('An invitation is required to create an account.');
    expect(textOf(required.html, 'waitlist-offer')).toBe('No invitation yet? Request an invitation');

    const expired = await createInvite(r.gl, { expires_in_days: 1, send_email: false });
    const used = await createInvite(r.gl, { send_email: false });
    await postJson(`${r.gl.url}/api/register`, { email: 'used@example.com', password: 'long enough password', invite_token: used.token });
    r.gl.clock.advance(2 * DAY);
    r.admin = await adminToken(r.gl);
    for (const link of [expired.url, used.url]) {
      const page = await new FormClient().get(link);
      expect(page.status).toBe(410);
      expect(page.html).toContain('<a class="button" href="/waitlist">Request a new invitation</a>');
    }
    const api = await call('POST', `${r.gl.url}/api/register`, { body: { email: 'nobody@example.com', password: 'long enough password' } });
    expect(api.body).toMatchObject({ error: 'invite_required', message: `An invitation is required to create an account. Ask for one at ${r.gl.url}/waitlist` });
  });
});
