// The waitlist in the admin console, over HTTP: the queue with reason and referral, a count on the
// overview, approval (an invitation, audited via the console) and denial one by one and in bulk,
// and a viewer who sees the queue but changes nothing.
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { decodeEntities, textOf } from '../support/browser-form.ts';
import type { MailMessage } from '../../src/mail/mail-transport.ts';
import { consoleVisitor, postForm, type ConsoleVisitor } from './console-client.ts';

let gl: RunningGuestlist;
let admin: ConsoleVisitor;
const sent: MailMessage[] = [];

beforeAll(async () => {
  gl = await startGuestlist({
    env: { ENABLE_WAITLIST: 'true' },
    extraDeps: {
      startWorkers: false,
      mailTransport: {
        async send(message) {
          sent.push(message);
          return { messageId: String(sent.length) };
        },
      },
    },
  });
  admin = await consoleVisitor(gl, 'queue-admin@example.com', ['admin']);
});
afterAll(() => gl.stop());

const meta = { ip: '198.51.100.20', userAgent: null, requestId: null };

/** A confirmed request, through the same service the form uses; returns its id. */
async function queued(email: string, extra: { name?: string; reason?: string; ref?: string } = {}): Promise<string> {
  const { requestId } = await gl.guestlist.services.waitlist.request({ email, ...extra }, meta);
  await gl.guestlist.services.mail.drain();
  const text = sent.filter((message) => message.to === email).pop()!.text;
  const token = /\/waitlist\/confirm\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;
  expect(await gl.guestlist.services.waitlist.confirm({ token }, meta)).toMatchObject({ status: 'queued' });
  return requestId;
}

test('the queue shows each request with its reason and referral, a member referral as that member; the overview counts it', async () => {
  const member = (await gl.store.accounts.findByEmail('queue-admin@example.com'))!;
  const id = await queued('first@example.com', { name: 'First Person', reason: 'I want <b>in</b>.', ref: member.id });
  await queued('second@example.com', { ref: 'spring-campaign' });
  const list = await admin.client.get(`${gl.url}/console/waitlist`);
  expect(list.status).toBe(200);
  expect(list.html).toContain('<a href="/console/waitlist" aria-current="page">Waitlist</a>');
  const row = /<tr id="request-[^"]+"[\s\S]*?<\/tr>/.exec(list.html)![0];
  expect(row).toContain(`id="request-${id}"`);
  expect(decodeEntities(row)).toContain('I want <b>in</b>.');
  expect(row).toContain('I want &lt;b&gt;in&lt;/b&gt;.');
  expect(row).toContain(`<a href="/console/people/${member.id}">queue-admin@example.com</a>`);
  expect(list.html).toContain('spring-campaign');
  expect(textOf(list.html, 'waitlist-count-pending')).toBe('2');
  const overview = await admin.client.get(`${gl.url}/console`);
  expect(textOf(overview.html, 'waitlist-count-pending')).toBe('2');
  // Search by the start of an address, or a whole domain.
  expect((await admin.client.get(`${gl.url}/console/waitlist?q=second`)).html.match(/id="request-/g)).toHaveLength(1);
  expect((await admin.client.get(`${gl.url}/console/waitlist?q=%40example.com`)).html.match(/id="request-/g)).toHaveLength(2);
});

test('a row approved with roles becomes an invitation made via the console; a row denied stays denied', async () => {
  const approveId = await queued('approve-row@example.com');
  const denyId = await queued('deny-row@example.com');
  const approved = await postForm(admin, `${gl.url}/console/waitlist/${approveId}/approve`, { roles: 'beta, wave-2', send_email: 'on' });
  expect(approved.url).toBe(`${gl.url}/console/waitlist?done=approved`);
  expect(textOf(approved.html, 'console-notice')).toBe('Approved: the invitation is made.');
  const entry = await gl.guestlist.services.waitlistReview.get(approveId);
  const invite = (await gl.guestlist.services.invites.get(entry.inviteId!)).invite;
  expect(invite).toMatchObject({ email: 'approve-row@example.com', roles: ['beta', 'wave-2'], metadata: { waitlist_entry_id: approveId } });
  const adminAccount = (await gl.store.accounts.findByEmail('queue-admin@example.com'))!;
  const [event] = (await gl.store.audit.query({ type: 'waitlist.approved', inviteId: invite.id }, { limit: 1 })).items;
  expect(event).toMatchObject({ actor: adminAccount.id, data: expect.objectContaining({ via: 'console', waitlist_entry_id: approveId }) });
  await gl.guestlist.services.mail.drain();
  expect(sent.filter((m) => m.to === 'approve-row@example.com').map((m) => m.subject)).toContain('Your invitation to Guestlist');

  const denied = await postForm(admin, `${gl.url}/console/waitlist/${denyId}/deny`, { reason: 'not this round' });
  expect(denied.url).toBe(`${gl.url}/console/waitlist?done=denied`);
  expect(await gl.guestlist.services.waitlistReview.get(denyId)).toMatchObject({ status: 'denied', denialReason: 'not this round' });
  // Decided rows leave the pending list; a second decision is refused in the console's frame.
  expect((await admin.client.get(`${gl.url}/console/waitlist`)).html).not.toContain(`id="request-${denyId}"`);
  const again = await postForm(admin, `${gl.url}/console/waitlist/${denyId}/approve`, {});
  expect(again.status).toBe(409);
  expect(again.html).toContain('Only a pending request can be decided');
});

test('bulk: the selected rows are approved each on its own, an already decided one reported beside them', async () => {
  const a = await queued('bulk-one@example.com');
  const b = await queued('bulk-two@example.com');
  await gl.guestlist.services.waitlistReview.deny(b, {}, { id: 'someone', kind: 'admin' }, meta);
  const results = await postForm(admin, `${gl.url}/console/waitlist/actions`, { action: 'approve', ids: [a, b], send_email: 'on' });
  expect(results.status).toBe(200);
  expect(textOf(results.html, 'waitlist-results-caption')).toBe('Requests approved');
  const rows = [...results.html.matchAll(/<tr data-ok="(true|false)"><td class="wrap">([^<]+)<\/td>/g)].map((match) => [match[2], match[1]]);
  expect(rows).toEqual([
    ['bulk-one@example.com', 'true'],
    ['bulk-two@example.com', 'false'],
  ]);
  expect(results.html).toContain('Only a pending request can be decided; this one is denied.');
  expect((await postForm(admin, `${gl.url}/console/waitlist/actions`, { action: 'approve' })).status).toBe(400);
  expect((await postForm(admin, `${gl.url}/console/waitlist/actions`, { action: 'explode', ids: [a] })).status).toBe(400);
});

test('a viewer sees the queue without decision controls, and a POST is a 403 that changes nothing', async () => {
  const id = await queued('viewer-sees@example.com');
  const viewer = await consoleVisitor(gl, 'queue-viewer@example.com', ['viewer']);
  const list = await viewer.client.get(`${gl.url}/console/waitlist`);
  expect(list.html).toContain(`id="request-${id}"`);
  expect(list.html).not.toContain('id="bulk-approve"');
  expect(list.html).not.toContain(`formaction="/console/waitlist/${id}/approve"`);
  expect((await postForm(viewer, `${gl.url}/console/waitlist/${id}/approve`, {})).status).toBe(403);
  expect((await postForm(viewer, `${gl.url}/console/waitlist/actions`, { action: 'deny', ids: [id] })).status).toBe(403);
  expect((await gl.guestlist.services.waitlistReview.get(id)).status).toBe('pending');
  // Without the form's CSRF token nothing happens either.
  expect((await postForm(admin, `${gl.url}/console/waitlist/${id}/approve`, { _csrf: 'forged' })).status).toBe(403);
  expect((await gl.guestlist.services.waitlistReview.get(id)).status).toBe('pending');
});

test('with the waitlist off the console neither lists it in its navigation nor counts it on the overview', async () => {
  const off = await startGuestlist({ extraDeps: { startWorkers: false } });
  try {
    const visitor = await consoleVisitor(off, 'off-admin@example.com', ['admin']);
    expect(visitor.home.html).not.toContain('href="/console/waitlist"');
    expect(visitor.home.html).not.toContain('id="waitlist-counts"');
  } finally {
    await off.stop();
  }
});
