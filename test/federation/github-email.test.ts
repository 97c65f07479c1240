// The GitHub preset's email rule against the recorded shape of GET /user/emails.
import { readFileSync } from 'node:fs';
import { verifiedPrimaryEmail } from '../../src/federation/github-email.ts';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/github-user-emails.json', import.meta.url), 'utf8')) as Array<Record<string, unknown>>;

test('the verified primary address is taken', () => {
  expect(verifiedPrimaryEmail(recorded)).toBe('octocat@github.com');
});

test('an unverified primary gives no email, even beside verified secondary ones', () => {
  const unverifiedPrimary = recorded.map((entry) => (entry.primary ? { ...entry, verified: false } : entry));
  expect(verifiedPrimaryEmail(unverifiedPrimary)).toBeNull();
});

test('no primary, a non-boolean verified, or a body that is not the list gives no email', () => {
  expect(verifiedPrimaryEmail(recorded.map((entry) => ({ ...entry, primary: false })))).toBeNull();
  expect(verifiedPrimaryEmail(recorded.map((entry) => (entry.primary ? { ...entry, verified: 'true' } : entry)))).toBeNull();
  expect(verifiedPrimaryEmail({ message: 'Requires authentication' })).toBeNull();
  expect(verifiedPrimaryEmail([])).toBeNull();
});
