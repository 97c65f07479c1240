// Pending sign-ups under pressure: parallel "send a new code" requests send one code a minute and
// six in all (each send is claimed in the store before it goes), a send that fails gives its claim
// back, and an invitation that an admin resends or revokes ends every sign-up still waiting on it.
import { adminToken, createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { overTheNetwork } from '../support/networked-store.ts';
import { SmsDeliveryError, type SmsMessage, type SmsTransport } from '../../src/sms/sms-transport.ts';

const MINUTE = 60_000;
const PASSWORD = 'a long enough password';
const WITHDRAWN = 'This invitation was withdrawn or sent again with a new link while you were signing up. Open the newest invitation link, or ask for a new invitation.';

/** An SMS gateway with a network's delay that can be switched off. */
const texts: SmsMessage[] = [];
let gatewayDown = false;
const gateway: SmsTransport = {
  async send(message) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (gatewayDown) throw new SmsDeliveryError('gateway down', { status: 503 });
    texts.push(message);
    return {};
  },
};
const codesTo = (phone: string) => texts.filter((text) => text.to === phone).map((text) => /\b(\d{6})\b/.exec(text.body)![1]!);

let gl: RunningGuestlist;
let admin: string;
beforeAll(async () => {
  gl = await startGuestlist({
    ...overTheNetwork(),
    env: { REQUIRE_PHONE_VERIFICATION: 'true', RATE_LIMIT_CODE_FAILURES: '1000', RATE_LIMIT_REGISTRATIONS: '1000' },
    extraDeps: { startWorkers: false, smsTransport: gateway },
  });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

let people = 0;
async function startSignUp(inviteToken: string): Promise<{ id: string; phone: string; email: string }> {
  people += 1;
  const phone = `+1415555${String(3000 + people).padStart(4, '0')}`;
  const email = `pending-${people}@example.com`;
  const started = await postJson(`${gl.url}/api/register`, { email, password: PASSWORD, invite_token: inviteToken, phone_number: phone });
  expect(started.status).toBe(202);
  return { id: started.body.verification_id as string, phone, email };
}
const resend = (id: string) => postJson(`${gl.url}/api/register/resend`, { verification_id: id });
const verify = (id: string, code: string) => postJson(`${gl.url}/api/register/verify`, { verification_id: id, phone_code: code });
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

test('parallel resends send one code a minute and six in all; the last one sent is the one that works', async () => {
  const invite = await createInvite(gl, {}, admin);
  const pending = await startSignUp(invite.token);
  expect(codesTo(pending.phone)).toHaveLength(1);
  for (let round = 1; round <= 5; round++) {
    gl.clock.advance(MINUTE + 1000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => resend(pending.id)));
    expect(tally(answers.map((answer) => answer.status))).toEqual({ 202: 1, 429: 9 });
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      // The losers are told what the winner's send left: wait a minute, or (after the fifth) no more.
      expect(refused.body.error).toBe(round < 5 ? 'resend_too_soon' : 'resend_limit');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      if (round < 5) expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    expect(codesTo(pending.phone)).toHaveLength(1 + round);
  }
  gl.clock.advance(MINUTE + 1000);
  const capped = await Promise.all(Array.from({ length: 10 }, () => resend(pending.id)));
  expect(capped.map((answer) => `${answer.status} ${answer.body.error}`)).toEqual(Array(10).fill('429 resend_limit'));
  expect(codesTo(pending.phone)).toHaveLength(6);
  const codes = codesTo(pending.phone);
  if (codes.at(-2) !== codes.at(-1)) expect((await verify(pending.id, codes.at(-2)!)).body.error).toBe('invalid_code');
  expect((await verify(pending.id, codes.at(-1)!)).status).toBe(201);
});

test('a send that fails gives its claim back: the next try goes at once', async () => {
  const invite = await createInvite(gl, {}, admin);
  const pending = await startSignUp(invite.token);
  gl.clock.advance(MINUTE + 1000);
  gatewayDown = true;
  try {
    const failed = await resend(pending.id);
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('sms_unavailable');
  } finally {
    gatewayDown = false;
  }
  expect((await resend(pending.id)).status).toBe(202);
  expect(codesTo(pending.phone)).toHaveLength(2);
  expect((await gl.store.verifications.findById(pending.id))!.sends).toBe(2);
  expect((await verify(pending.id, codesTo(pending.phone)[1]!)).status).toBe(201);
});

test('an admin resend ends the sign-ups started with the old link: no completion, no new code, the invitation unspent', async () => {
  const invite = await createInvite(gl, { max_uses: 2 }, admin);
  const old = await startSignUp(invite.token);
  const resent = await postJson(`${gl.url}/admin/invites/${invite.id}/resend`, {}, admin);
  expect(resent.status).toBe(200);

  const refused = await verify(old.id, codesTo(old.phone)[0]!);
  expect(refused.status).toBe(403);
  expect(refused.body).toEqual({ error: 'invalid_invite', message: WITHDRAWN });
  expect(await gl.store.accounts.findByEmail(old.email)).toBeNull();
  expect((await gl.store.invites.findById(invite.id))!.uses).toBe(0);
  gl.clock.advance(MINUTE + 1000);
  expect((await resend(old.id)).status).toBe(403);
  expect(codesTo(old.phone)).toHaveLength(1);
  const audited = (await gl.store.audit.query({ type: 'registration.failed', inviteId: invite.id }, { limit: 10 })).items;
  expect(audited.map((event) => event.reason)).toEqual(['invite_withdrawn']);

  // The new link works as any invitation does.
  const fresh = await startSignUp(resent.body.token);
  expect((await verify(fresh.id, codesTo(fresh.phone)[0]!)).status).toBe(201);
  expect((await gl.store.invites.findById(invite.id))!.uses).toBe(1);
});

test('an admin revoke ends them too', async () => {
  const invite = await createInvite(gl, {}, admin);
  const pending = await startSignUp(invite.token);
  expect((await postJson(`${gl.url}/admin/invites/${invite.id}/revoke`, {}, admin)).status).toBe(200);
  gl.clock.advance(MINUTE + 1000);
  const resent = await resend(pending.id);
  expect(resent.status).toBe(403);
  expect(resent.body).toEqual({ error: 'invalid_invite', message: WITHDRAWN });
  expect(codesTo(pending.phone)).toHaveLength(1);
  expect((await verify(pending.id, codesTo(pending.phone)[0]!)).body).toEqual({ error: 'invalid_invite', message: WITHDRAWN });
  expect(await gl.store.accounts.findByEmail(pending.email)).toBeNull();
});
