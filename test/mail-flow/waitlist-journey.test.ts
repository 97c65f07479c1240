// The waitlist end to end over real SMTP (an in-process smtp-server): the hosted request form, the
// confirmation email, its link (a page with a button; only the POST confirms), the admin's
// approval, the waitlist invitation email, and the sign-up it leads to, with the account's
// invited_by and an audit trail that links every step.
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { parseMail, partOf } from '../mail/mime.ts';
import { FormClient, textOf } from '../support/browser-form.ts';
import { skipSecondFactorOffer } from '../support/relying-party.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;
let admin: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, ENABLE_WAITLIST: 'true', PRODUCT_NAME: 'Acme Beta' }, extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

const drain = () => gl.guestlist.services.mail.drain();
const mailTo = (address: string) => smtp.received.filter((mail) => mail.to.includes(address)).map((mail) => parseMail(mail.raw));
const confirmLinkIn = (text: string) => /https?:\/\/[^\s"<>]+\/waitlist\/confirm\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
const inviteLinkIn = (text: string) => /https?:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];

test('request → confirmation email → confirm by the button → approval → invitation email → sign-up, all linked in the audit trail', async () => {
  const browser = new FormClient();
  const form = await browser.get(`${gl.url}/waitlist?ref=spring-campaign`);
  expect(form.status).toBe(200);
  expect(form.html).toContain('Why would you like to join?');
  const sent = await browser.submit(form, '/waitlist', { email: 'Ada@Example.com', name: 'Ada Lovelace', reason: 'I write programs for engines.' });
  expect(sent.status).toBe(200);
  expect(textOf(sent.html, 'waitlist-sent')).toContain('Ada@Example.com');

  expect(await drain()).toMatchObject({ delivered: 1 });
  const [confirmation] = mailTo('ada@example.com');
  expect(confirmation!.headers.subject).toBe('Confirm your request to join Acme Beta');
  const text = partOf(confirmation!, 'text/plain');
  const link = confirmLinkIn(text)!;
  expect(link.startsWith(`${gl.url}/waitlist/confirm/`)).toBe(true);
  expect(partOf(confirmation!, 'text/html')).toContain(`href="${link}"`);
  expect(text).toMatch(/^ {4}\d{6}$/m);

  // Opening the link (as a mail scanner would, twice) shows a button and confirms nothing.
  const scanner = new FormClient();
  const opened = await scanner.get(link);
  expect(opened.status).toBe(200);
  expect(opened.html).toContain('Confirm my request');
  await scanner.get(link);
  expect((await getJson(`${gl.url}/admin/waitlist`, admin)).body.data).toEqual([]);

  const done = await browser.submit(await browser.get(link), '/waitlist/confirm', {});
  expect(done.status).toBe(200);
  expect(textOf(done.html, 'waitlist-result')).toBe('Thank you for confirming. We will email you when your invitation is ready.');
  // The link is spent: its page still opens, but a second confirmation is refused.
  const again = await browser.submit(await browser.get(link), '/waitlist/confirm', {});
  expect(again.status).toBe(404);

  const queue = await getJson(`${gl.url}/admin/waitlist?status=pending`, admin);
  expect(queue.body.data).toEqual([
    expect.objectContaining({ email: 'ada@example.com', name: 'Ada Lovelace', reason: 'I write programs for engines.', ref: 'spring-campaign', status: 'pending', invite_id: null }),
  ]);
  const entry = queue.body.data[0];

  const approved = await postJson(`${gl.url}/admin/waitlist/${entry.id}/approve`, { roles: ['beta'] }, admin);
  expect(approved.status).toBe(201);
  expect(approved.body).toMatchObject({ email: 'ada@example.com', status: 'pending', roles: ['beta'], metadata: { waitlist_entry_id: entry.id } });
  expect(await drain()).toMatchObject({ delivered: 1 });
  const invitation = mailTo('ada@example.com')[1]!;
  expect(invitation.headers.subject).toBe('Your invitation to Acme Beta');
  expect(partOf(invitation, 'text/plain')).toContain('Hello Ada Lovelace, you asked to join Acme Beta');
  const inviteLink = inviteLinkIn(partOf(invitation, 'text/plain'))!;
  expect(inviteLink).toBe(approved.body.url);

  const invitee = new FormClient();
  const signUp = await invitee.get(inviteLink);
  expect(signUp.html).toMatch(/id="email"[^>]*value="ada@example.com"[^>]*readonly/);
  const ready = await skipSecondFactorOffer(invitee, await invitee.submit(signUp, '/register', { email: 'ada@example.com', password: 'engines all the way down' }));
  expect(ready.html).toContain('Your account is ready');

  const users = await getJson(`${gl.url}/admin/users?email=ada@example.com`, admin);
  const account = users.body.data[0];
  expect(account).toMatchObject({ email: 'ada@example.com', email_verified: true, roles: ['beta'], invite_id: approved.body.id, invited_by: gl.adminClientId });
  expect((await getJson(`${gl.url}/admin/waitlist/${entry.id}`, admin)).body).toMatchObject({ status: 'approved', invite_id: approved.body.id, decided_by: gl.adminClientId });

  // The funnel in the audit log: the request's id leads to the invitation, the invitation to the account.
  const events = (await getJson(`${gl.url}/admin/audit?limit=200`, admin)).body.data.reverse() as Array<Record<string, any>>;
  const ofEntry = events.filter((event) => event.data?.waitlist_entry_id === entry.id).map((event) => event.type);
  expect(ofEntry).toEqual(['waitlist.requested', 'waitlist.confirmed', 'waitlist.approved']);
  const approval = events.find((event) => event.type === 'waitlist.approved')!;
  expect(approval).toMatchObject({ actor: gl.adminClientId, invite_id: approved.body.id });
  const ofInvite = events.filter((event) => event.invite_id === approved.body.id).map((event) => event.type);
  expect(ofInvite).toEqual(['invite.created', 'waitlist.approved', 'invite.sent', 'invite.viewed', 'invite.redeemed', 'registration.succeeded']);
  expect(events.find((event) => event.type === 'registration.succeeded' && event.invite_id === approved.body.id)).toMatchObject({ account_id: account.id });
  // No secret of the confirmation reached the audit log.
  const code = /^ {4}(\d{6})$/m.exec(text)![1]!;
  const token = link.slice(link.lastIndexOf('/') + 1);
  expect(JSON.stringify(events)).not.toContain(token);
  expect(JSON.stringify(events)).not.toMatch(new RegExp(`"${code}"`));
  expect(gl.logs()).not.toContain(token);
});

test('the emailed code confirms on the page where the request was made', async () => {
  const browser = new FormClient();
  const sent = await browser.submit(await browser.get(`${gl.url}/waitlist`), '/waitlist', { email: 'grace@example.com' });
  await drain();
  const code = /^ {4}(\d{6})$/m.exec(partOf(mailTo('grace@example.com')[0]!, 'text/plain'))![1]!;
  const wrong = await browser.submit(sent, '/waitlist/confirm', { code: code === '000000' ? '111111' : '000000' });
  expect(wrong.status).toBe(400);
  expect(textOf(wrong.html, 'code-error')).toBe('That code is not correct.');
  const done = await browser.submit(wrong, '/waitlist/confirm', { code });
  expect(done.status).toBe(200);
  expect(textOf(done.html, 'waitlist-result')).toContain('Thank you for confirming');
  expect((await getJson(`${gl.url}/admin/waitlist?q=grace`, admin)).body.data).toEqual([expect.objectContaining({ email: 'grace@example.com', status: 'pending' })]);
});

test('a denial with notify sends its own email, without the admin\'s reason', async () => {
  const request = await postJson(`${gl.url}/api/waitlist`, { email: 'linus@example.com', name: 'Linus' });
  expect(request.status).toBe(202);
  await drain();
  const code = /^ {4}(\d{6})$/m.exec(partOf(mailTo('linus@example.com')[0]!, 'text/plain'))![1]!;
  expect((await postJson(`${gl.url}/api/waitlist/confirm`, { request_id: request.body.request_id, code })).body).toEqual({ status: 'queued' });
  const entry = (await getJson(`${gl.url}/admin/waitlist?q=linus@`, admin)).body.data[0];
  const denied = await postJson(`${gl.url}/admin/waitlist/${entry.id}/deny`, { reason: 'internal note: not this round', notify: true }, admin);
  expect(denied.status).toBe(200);
  expect(denied.body).toMatchObject({ status: 'denied', denial_reason: 'internal note: not this round' });
  await drain();
  const denial = mailTo('linus@example.com')[1]!;
  expect(denial.headers.subject).toBe('About your request to join Acme Beta');
  expect(partOf(denial, 'text/plain')).toContain('We are not able to offer you an invitation at this time.');
  expect(partOf(denial, 'text/plain') + partOf(denial, 'text/html')).not.toContain('internal note');
});
