// The domain rules alone: the operator's deny-list with its subdomains, the maintained disposable
// list (on by default, switchable), and auto-approval of exact domains only.
import { createDomainRules } from '../../src/waitlist/email-domain-rules.ts';
import { loadConfig } from '../../src/config.ts';

const rules = (env: Record<string, string> = {}) => createDomainRules(loadConfig({ env }));

test('a blocked domain refuses itself and its subdomains, not a domain that merely ends alike', () => {
  const r = rules({ WAITLIST_BLOCKED_DOMAINS: 'spam.example, @Bad.Example' });
  expect(r.isBlocked('spam.example')).toBe(true);
  expect(r.isBlocked('mail.spam.example')).toBe(true);
  expect(r.isBlocked('BAD.example')).toBe(true);
  expect(r.isBlocked('notspam.example')).toBe(false);
  expect(r.isBlocked('example')).toBe(false);
  expect(r.isBlocked('acme.test')).toBe(false);
});

test('disposable domains are refused by default, with their subdomains, and allowed when switched off', () => {
  expect(rules().isBlocked('mailinator.com')).toBe(true);
  expect(rules().isBlocked('inbox.mailinator.com')).toBe(true);
  expect(rules().isBlocked('gmail.com')).toBe(false);
  expect(rules({ WAITLIST_BLOCK_DISPOSABLE: 'false' }).isBlocked('mailinator.com')).toBe(false);
});

test('auto-approval takes the exact domain only', () => {
  const r = rules({ WAITLIST_AUTO_APPROVE_DOMAINS: 'acme.test' });
  expect(r.autoApproves('acme.test')).toBe(true);
  expect(r.autoApproves('ACME.test')).toBe(true);
  expect(r.autoApproves('evil.acme.test')).toBe(false);
  expect(rules().autoApproves('acme.test')).toBe(false);
});

test('the options refuse what is not a domain, naming the option', () => {
  expect(() => loadConfig({ env: { WAITLIST_BLOCKED_DOMAINS: 'not a domain' } })).toThrow(/waitlist_blocked_domains \(WAITLIST_BLOCKED_DOMAINS\) must be a domain like example.com/);
  expect(() => loadConfig({ env: { WAITLIST_AUTO_APPROVE_DOMAINS: 'ann@acme.test' } })).toThrow(/waitlist_auto_approve_domains/);
  expect(loadConfig({ env: {} }).enable_waitlist).toBe(false);
});
