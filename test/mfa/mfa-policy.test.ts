// Who must have a second factor: the global switch, the roles and the invitation's metadata.
import { secondFactorRequired } from '../../src/mfa/mfa-policy.ts';

const none = { roles: [], inviteMetadata: null };

test('optional requires nobody, unless a role or the invitation says so', () => {
  const config = { mfa: 'optional' as const, mfa_required_roles: ['admin'] };
  expect(secondFactorRequired(config, none)).toBe(false);
  expect(secondFactorRequired(config, { roles: ['beta', 'admin'], inviteMetadata: null })).toBe(true);
  expect(secondFactorRequired(config, { roles: ['beta'], inviteMetadata: { mfa: 'required' } })).toBe(true);
  expect(secondFactorRequired(config, { roles: ['beta'], inviteMetadata: { mfa: 'optional' } })).toBe(false);
});

test('required requires everyone; off requires nobody, whatever the roles or invitation say', () => {
  expect(secondFactorRequired({ mfa: 'required', mfa_required_roles: [] }, none)).toBe(true);
  expect(secondFactorRequired({ mfa: 'off', mfa_required_roles: ['admin'] }, { roles: ['admin'], inviteMetadata: { mfa: 'required' } })).toBe(false);
});
