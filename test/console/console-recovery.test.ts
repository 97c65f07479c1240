// A person's recovery in the console, over HTTP: every console role sees how someone signs in; an
// admin emails a recovery link or takes one to hand over, and resets lost second factors once the
// email is typed; each is audited with the acting admin and via: console.
import { startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { decodeEntities, textOf } from '../support/browser-form.ts';
import type { MailMessage } from '../../src/mail/mail-transport.ts';
import { signUpMember } from '../member/member-session.ts';
import { writeClientsFile } from '../support/relying-party.ts';
import { enrolTotpOnAccountPage } from '../mfa/mfa-session.ts';
import { consoleVisitor, postForm } from './console-client.ts';

let gl: RunningGuestlist;
const sent: MailMessage[] = [];
beforeAll(async () => {
  gl = await startGuestlist({ env: { CLIENTS_FILE: writeClientsFile() }, extraDeps: { startWorkers: false, mailTransport: { send: async (message) => (sent.push(message), { messageId: String(sent.length) }) } } });
});
afterAll(() => gl.stop());

const mailTo = async (to: string) => {
  await gl.guestlist.services.mail.drain();
  return sent.filter((message) => message.to === to);
};

test('every role sees how someone signs in; only an admin resets their factors, after typing their email', async () => {
  const admin = await consoleVisitor(gl, 'root@example.com', ['admin']);
  const viewer = await consoleVisitor(gl, 'eyes@example.com', ['viewer']);
  const member = await signUpMember(gl, 'lost.phone@example.com');
  await enrolTotpOnAccountPage(gl, member.browser);

  const seen = await viewer.client.get(`${gl.url}/console/people/${member.sub}`);
  expect(['person-password', 'person-passkeys', 'person-totp', 'person-backup-codes', 'person-factor-required'].map((id) => textOf(seen.html, id))).toEqual(['Yes', 'None', 'Yes', '10 left', 'No']);
  expect(seen.html).not.toContain('reset-factors');
  expect((await postForm(viewer, `${gl.url}/console/people/${member.sub}/reset-factors`, { confirm: 'lost.phone@example.com' })).status).toBe(403);

  const person = await admin.client.get(`${gl.url}/console/people/${member.sub}`);
  expect(person.html).toContain(`href="/console/people/${member.sub}/reset-factors" id="reset-factors"`);
  const confirm = await admin.client.get(`${gl.url}/console/people/${member.sub}/reset-factors`);
  expect(textOf(confirm.html, 'confirm-button')).toBe('Reset second factors');
  const mistyped = await postForm(admin, `${gl.url}/console/people/${member.sub}/reset-factors`, { confirm: 'lost@example.com' });
  expect(mistyped.status).toBe(400);
  expect(await gl.store.mfa.findTotp(member.sub)).not.toBeNull();

  const reset = await postForm(admin, `${gl.url}/console/people/${member.sub}/reset-factors`, { confirm: 'Lost.Phone@example.com' });
  expect(reset.url).toBe(`${gl.url}/console/people/${member.sub}?done=factors_reset`);
  expect(textOf(reset.html, 'console-notice')).toBe('Their second factors were removed, and they were told by email.');
  expect(textOf(reset.html, 'person-totp')).toBe('No');
  expect(reset.html).not.toContain('id="reset-factors"');
  expect(await gl.store.mfa.findTotp(member.sub)).toBeNull();
  expect(await gl.store.mfa.countBackupCodes(member.sub)).toBe(0);
  const [event] = (await gl.store.audit.query({ type: 'mfa.reset_by_admin', accountId: member.sub }, { limit: 5 })).items;
  expect(event).toMatchObject({ actor: (await gl.store.accounts.findByEmail('root@example.com'))!.id, data: { passkeys: 0, totp: true, backup_codes: 10, via: 'console' } });
  expect((await mailTo('lost.phone@example.com')).map((message) => message.subject)).toContain('Your Guestlist second factors were reset');
});

test('an admin emails a recovery link, or takes one to hand over once; a disabled account gets none', async () => {
  const admin = await consoleVisitor(gl, 'helpdesk@example.com', ['admin']);
  const member = await signUpMember(gl, 'forgetful@example.com');

  const emailed = await postForm(admin, `${gl.url}/console/people/${member.sub}/recovery-link`, { send_email: 'yes' });
  expect(emailed.url).toBe(`${gl.url}/console/people/${member.sub}?done=recovery_sent`);
  expect(textOf(emailed.html, 'console-notice')).toBe('A recovery link is on its way to them.');
  const links = (await mailTo('forgetful@example.com')).map((message) => /\/recovery\/reset\?token=[A-Za-z0-9_-]{43}/.exec(message.text)?.[0]).filter(Boolean);
  expect(links).toHaveLength(1);

  const handed = await postForm(admin, `${gl.url}/console/people/${member.sub}/recovery-link`, { send_email: 'no' });
  expect(handed.status).toBe(201);
  const link = decodeEntities(/id="recovery-link"[^>]*value="([^"]+)"/.exec(handed.html)?.[1] ?? '');
  expect(link).toMatch(new RegExp(`^${gl.url}/recovery/reset\\?token=[A-Za-z0-9_-]{43}$`));
  // Opened, the link offers the new-password form.
  const opened = await admin.client.get(link);
  expect(opened.status).toBe(200);
  expect(opened.html).toContain('name="password"');
  const requested = (await gl.store.audit.query({ type: 'password.reset_requested', accountId: member.sub }, { limit: 5 })).items.map((event) => event.data);
  expect(requested).toEqual([{ via: 'console', emailed: false, expires_in_hours: 24 }, { via: 'console', emailed: true, expires_in_hours: 24 }]);
  expect(gl.logs()).not.toContain(link.split('token=')[1]);

  await gl.store.accounts.update(member.sub, { disabled: true });
  const page = await admin.client.get(`${gl.url}/console/people/${member.sub}`);
  expect(page.html).not.toContain('/recovery-link');
  expect(textOf(page.html, 'recovery-disabled')).toBe('Enable the account before sending a recovery link.');
  expect((await postForm(admin, `${gl.url}/console/people/${member.sub}/recovery-link`, { send_email: 'no' })).status).toBe(409);
});
