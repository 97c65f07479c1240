// The admission rules without HTTP: the pure decision, and the gate over a store through its ports
// (the embedded store in memory) with the shared test clock.
import { decideAdmission, createAdmissionGate } from '../../src/signup/admission.ts';
import { createInviteService, type InviteInspection } from '../../src/invites/invite-service.ts';
import { createMemberAccounts } from '../../src/accounts/member-accounts.ts';
import { createRateLimiter } from '../../src/security/rate-limiter.ts';
import { createAuditRecorder } from '../../src/audit/audit-recorder.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { InviteRecord } from '../../src/store/ports.ts';
import { createTestClock, DAY } from '../support/test-clock.ts';

const clock = createTestClock();
const invite = (overrides: Partial<InviteRecord> = {}): InviteRecord => ({
  id: 'inv-1',
  tokenHash: 'h'.repeat(64),
  email: null,
  uses: 0,
  maxUses: 1,
  expiresAt: new Date(clock.now().getTime() + DAY),
  createdAt: clock.now(),
  createdBy: 'admin',
  clientId: null,
  roles: ['beta'],
  metadata: {},
  note: null,
  revokedAt: null,
  seq: 1,
  ...overrides,
});
const inviteOnly = { enable_invite_only: true, invitation_whitelist_emails: ['friends.org'] };
const open = { enable_invite_only: false, invitation_whitelist_emails: [] };
const valid = (record: InviteRecord): InviteInspection => ({ state: 'valid', invite: record });

describe('decideAdmission', () => {
  test('a valid open invitation admits any email, with its roles, the email unverified', () => {
    expect(decideAdmission({ email: 'ada@example.com', inspection: valid(invite()), emailTaken: false }, inviteOnly)).toEqual({
      admitted: { email: 'ada@example.com', invite: invite(), emailVerified: false, roles: ['beta'] },
    });
  });

  test('a bound invitation admits its own address only, and vouches for it', () => {
    const bound = invite({ email: 'ada@example.com' });
    expect(decideAdmission({ email: 'ada@example.com', inspection: valid(bound), emailTaken: false }, inviteOnly)).toMatchObject({ admitted: { emailVerified: true } });
    expect(decideAdmission({ email: 'eve@example.com', inspection: valid(bound), emailTaken: false }, inviteOnly)).toEqual({ refused: 'email_mismatch', invite: bound });
  });

  test('pre-account squatting: a bound invitation admits its owner over an account that never proved the address, to take it over', () => {
    const bound = invite({ email: 'ada@example.com' });
    expect(decideAdmission({ email: 'ada@example.com', inspection: valid(bound), emailTaken: true, takenUnproven: 'acc-squat' }, inviteOnly)).toEqual({
      admitted: { email: 'ada@example.com', invite: bound, emailVerified: true, roles: ['beta'], takeoverOf: 'acc-squat' },
    });
    // A proven account, an open invitation or no invitation at all: still taken.
    expect(decideAdmission({ email: 'ada@example.com', inspection: valid(bound), emailTaken: true, takenUnproven: null }, inviteOnly)).toEqual({ refused: 'email_taken', invite: bound });
    expect(decideAdmission({ email: 'ada@example.com', inspection: valid(invite()), emailTaken: true, takenUnproven: 'acc-squat' }, inviteOnly)).toEqual({ refused: 'email_taken', invite: invite() });
    expect(decideAdmission({ email: 'ada@friends.org', emailTaken: true, takenUnproven: 'acc-squat' }, inviteOnly)).toEqual({ refused: 'email_taken', invite: null });
  });

  test('an invitation that is not valid is refused, naming it unless the token was unknown', () => {
    const used = invite({ uses: 1 });
    expect(decideAdmission({ email: 'ada@example.com', inspection: { state: 'used', invite: used }, emailTaken: false }, inviteOnly)).toEqual({ refused: 'invalid_invite', invite: used });
    expect(decideAdmission({ email: 'ada@example.com', inspection: { state: 'unknown' }, emailTaken: false }, inviteOnly)).toEqual({ refused: 'invalid_invite', invite: null });
  });

  test('without a token: invite-only refuses, except the whitelist; open sign-up admits', () => {
    expect(decideAdmission({ email: 'ada@example.com', emailTaken: false }, inviteOnly)).toEqual({ refused: 'invite_required', invite: null });
    expect(decideAdmission({ email: 'bob@friends.org', emailTaken: false }, inviteOnly)).toMatchObject({ admitted: { invite: null, roles: [], emailVerified: false } });
    expect(decideAdmission({ email: 'ada@example.com', emailTaken: false }, open)).toMatchObject({ admitted: { email: 'ada@example.com' } });
  });

  test('an email that already has an account is refused last, whatever else holds', () => {
    expect(decideAdmission({ email: 'bob@friends.org', emailTaken: true }, inviteOnly)).toEqual({ refused: 'email_taken', invite: null });
    expect(decideAdmission({ email: 'ada@example.com', inspection: valid(invite()), emailTaken: true }, inviteOnly)).toEqual({ refused: 'email_taken', invite: invite() });
  });
});

describe('the admission gate over the ports', () => {
  const config = loadConfig({ env: { INVITATION_WHITELIST_EMAILS: 'friends.org', RATE_LIMIT_REGISTRATIONS: '3' } });
  const store = createEmbeddedStore({ clock: clock.now });
  const audit = createAuditRecorder({ audit: store.audit, clock: clock.now });
  const limiter = createRateLimiter({ store: store.rateLimits, config, clock: clock.now, audit });
  const invites = createInviteService({ store, config, clock: clock.now, audit, isKnownClient: () => false, limiter });
  const gate = createAdmissionGate({ config, audit, invites, accounts: createMemberAccounts({ store }), limiter });
  const meta = (ip: string) => ({ ip, userAgent: null, requestId: null });
  afterAll(() => store.close());

  test('admits through a real token, normalising the email', async () => {
    const { token } = await invites.create({ email: 'Ada@Example.com', roles: ['crew'] }, { id: 'admin', kind: 'admin' }, meta('192.0.2.1'));
    await expect(gate.admit({ email: ' ADA@example.com ', inviteToken: token }, meta('192.0.2.1'))).resolves.toMatchObject({ email: 'ada@example.com', emailVerified: true, roles: ['crew'] });
  });

  test('a refusal is the contract error, and both audit events are recorded', async () => {
    const { token, invite: record } = await invites.create({ email: 'bound@example.com' }, { id: 'admin', kind: 'admin' }, meta('192.0.2.2'));
    await expect(gate.admit({ email: 'other@example.com', inviteToken: token }, meta('192.0.2.2'))).rejects.toMatchObject({ status: 403, code: 'email_mismatch' });
    const events = (await store.audit.query({ ip: '192.0.2.2' }, { limit: 10 })).items.map((event) => [event.type, event.reason, event.inviteId]);
    expect(events).toEqual(expect.arrayContaining([['registration.failed', 'email_mismatch', record.id], ['invite.redeem_failed', 'email_mismatch', record.id]]));
  });

  test('every attempt counts per address before any rule: past the limit, 429 even for a good one', async () => {
    for (let i = 0; i < 3; i++) await expect(gate.admit({ email: `x${i}@example.com` }, meta('192.0.2.3'))).rejects.toMatchObject({ code: 'invite_required' });
    await expect(gate.admit({ email: 'bob@friends.org' }, meta('192.0.2.3'))).rejects.toMatchObject({ status: 429 });
    await expect(gate.admit({ email: 'bob@friends.org' }, meta('192.0.2.4'))).resolves.toMatchObject({ email: 'bob@friends.org', invite: null });
  });
});
