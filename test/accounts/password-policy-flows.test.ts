// The password policy at sign-up over HTTP: POST /api/register keeps the contract's 400
// invalid_request for a weak password, now with the reason; the hosted form shows the rule as a hint
// and the reason beside the field; a longer configured minimum holds; nothing is created or spent.
import { createInvite, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { FormClient, textOf } from '../support/browser-form.ts';

let gl: RunningGuestlist;

beforeAll(async () => {
  gl = await startGuestlist({ env: { PASSWORD_MIN_LENGTH: '12', PRODUCT_NAME: 'Clubhouse' }, extraDeps: { startWorkers: false } });
});
afterAll(() => gl.stop());

test('POST /api/register: a weak password is 400 invalid_request with its reason, and spends nothing', async () => {
  const invite = await createInvite(gl, { email: 'weak@example.com', send_email: false });
  for (const [password, reason] of [
    ['eleven char', 'too_short'],
    ['qwertyuiop123', 'common'],
    ['weak@example.com is me', 'contains_email'],
    ['my clubhouse secret', 'contains_product_name'],
    ['abababababab', 'repetitive'],
  ] as const) {
    const refused = await postJson(`${gl.url}/api/register`, { email: 'weak@example.com', password, invite_token: invite.token });
    expect([password, refused.status, refused.body.error, refused.body.details]).toEqual([password, 400, 'invalid_request', [expect.objectContaining({ path: 'password', reason })]]);
  }
  expect((await getJson(`${gl.url}/api/invites/${invite.token}`)).body).toMatchObject({ valid: true });
  expect((await postJson(`${gl.url}/api/register`, { email: 'weak@example.com', password: 'twelve chars plus', invite_token: invite.token })).status).toBe(201);
});

test('the sign-up page shows the rule as a hint, and the reason beside the field, without JavaScript', async () => {
  const invite = await createInvite(gl, { email: 'hint@example.com', send_email: false });
  const browser = new FormClient();
  const page = await browser.get(invite.url);
  expect(textOf(page.html, 'password-help')).toBe('At least 12 characters; a few unrelated words make a strong, memorable password. Common passwords, your email address and the name Clubhouse are refused.');
  expect(page.html).toMatch(/id="password"[^>]*minlength="12"/);
  const refused = await browser.submit(page, '/register', { email: 'hint@example.com', password: 'password1234', invite_token: invite.token });
  expect([refused.status, textOf(refused.html, 'password-error')]).toEqual([400, 'Password is one of the most common passwords, which attackers try first.']);
});
