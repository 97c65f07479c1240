// The admission rules for a sign-up through an upstream account: the provider's signup mode, the
// upstream's verified email and domain rules, then the same invitation rules as a password sign-up.
import { decideUpstreamAdmission, type UpstreamAdmissionFacts } from '../../src/signup/admission.ts';
import type { InviteInspection } from '../../src/invites/invite-service.ts';
import type { InviteRecord } from '../../src/store/ports.ts';
import { createTestClock, DAY } from '../support/test-clock.ts';

const clock = createTestClock();
const invite = (overrides: Partial<InviteRecord> = {}): InviteRecord => ({
  id: 'inv-1', tokenHash: 'h'.repeat(64), email: null, uses: 0, maxUses: 1, expiresAt: new Date(clock.now().getTime() + DAY), createdAt: clock.now(),
  createdBy: 'admin', clientId: null, roles: ['beta'], metadata: {}, note: null, revokedAt: null, seq: 1, ...overrides,
});
const valid = (record: InviteRecord): InviteInspection => ({ state: 'valid', invite: record });
const whitelist = { invitation_whitelist_emails: ['friends.org'] };
const facts = (overrides: Partial<UpstreamAdmissionFacts> = {}): UpstreamAdmissionFacts => ({
  email: 'ada@example.com', emailVerified: true, domainAllowed: true, signup: 'invite_required', allowedDomains: [], emailTaken: false, ...overrides,
});

test('an open invitation takes the upstream\'s verified email, with the invitation\'s roles, the email verified', () => {
  expect(decideUpstreamAdmission(facts({ inspection: valid(invite()) }), whitelist)).toEqual({
    admitted: { email: 'ada@example.com', invite: invite(), emailVerified: true, roles: ['beta'] },
  });
});

test('an email-bound invitation needs exactly that email, verified', () => {
  const bound = valid(invite({ email: 'ada@example.com' }));
  expect(decideUpstreamAdmission(facts({ inspection: bound }), whitelist)).toMatchObject({ admitted: { email: 'ada@example.com' } });
  expect(decideUpstreamAdmission(facts({ inspection: bound, email: 'eve@example.com' }), whitelist)).toEqual({ refused: 'email_mismatch', invite: invite({ email: 'ada@example.com' }) });
  expect(decideUpstreamAdmission(facts({ inspection: bound, emailVerified: false }), whitelist)).toEqual({ refused: 'email_unverified', invite: invite({ email: 'ada@example.com' }) });
  expect(decideUpstreamAdmission(facts({ inspection: bound, email: null, emailVerified: false }), whitelist)).toMatchObject({ refused: 'email_unverified' });
});

test('without an invitation: invite_required refuses, whitelist admits the whitelist and allowed domains, open admits', () => {
  expect(decideUpstreamAdmission(facts(), whitelist)).toEqual({ refused: 'no_invitation', invite: null });
  expect(decideUpstreamAdmission(facts({ signup: 'whitelist' }), whitelist)).toEqual({ refused: 'no_invitation', invite: null });
  expect(decideUpstreamAdmission(facts({ signup: 'whitelist', email: 'bob@friends.org' }), whitelist)).toMatchObject({ admitted: { email: 'bob@friends.org', invite: null, roles: [] } });
  expect(decideUpstreamAdmission(facts({ signup: 'whitelist', allowedDomains: ['example.com'] }), whitelist)).toMatchObject({ admitted: { email: 'ada@example.com' } });
  expect(decideUpstreamAdmission(facts({ signup: 'open' }), whitelist)).toMatchObject({ admitted: { email: 'ada@example.com', emailVerified: true } });
});

test('link_only never signs anyone up, invitation or not', () => {
  expect(decideUpstreamAdmission(facts({ signup: 'link_only' }), whitelist)).toEqual({ refused: 'not_linked', invite: null });
  expect(decideUpstreamAdmission(facts({ signup: 'link_only', inspection: valid(invite()) }), whitelist)).toEqual({ refused: 'not_linked', invite: invite() });
});

test('an unverified email is refused before any domain or whitelist rule, and the domain rules before the invitation', () => {
  expect(decideUpstreamAdmission(facts({ signup: 'open', emailVerified: false }), whitelist)).toMatchObject({ refused: 'email_unverified' });
  expect(decideUpstreamAdmission(facts({ signup: 'whitelist', email: 'bob@friends.org', emailVerified: false }), whitelist)).toMatchObject({ refused: 'email_unverified' });
  expect(decideUpstreamAdmission(facts({ signup: 'open', domainAllowed: false }), whitelist)).toMatchObject({ refused: 'domain_not_allowed' });
  expect(decideUpstreamAdmission(facts({ inspection: valid(invite()), domainAllowed: false }), whitelist)).toMatchObject({ refused: 'domain_not_allowed' });
});

test('the password rules still apply: a spent invitation, and an email that already has an account', () => {
  expect(decideUpstreamAdmission(facts({ inspection: { state: 'used', invite: invite() } }), whitelist)).toEqual({ refused: 'invalid_invite', invite: invite() });
  expect(decideUpstreamAdmission(facts({ inspection: { state: 'unknown' } }), whitelist)).toEqual({ refused: 'invalid_invite', invite: null });
  expect(decideUpstreamAdmission(facts({ signup: 'open', emailTaken: true }), whitelist)).toEqual({ refused: 'email_taken', invite: null });
});
