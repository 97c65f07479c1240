// The invitation rules on their own, without HTTP: tokens, derived status and the email policy.
import { generateInviteToken, hashInviteToken, looksLikeInviteToken } from '../../src/invites/invite-token.ts';
import { inviteStatus } from '../../src/invites/invite-status.ts';
import { emailMatchesInvite, isWhitelisted } from '../../src/invites/invite-policy.ts';
import { createTestClock, DAY } from '../support/test-clock.ts';

describe('invite tokens', () => {
  test('are 256 random bits, URL-safe, 43 characters, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateInviteToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(looksLikeInviteToken(token)).toBe(true);
    }
  });

  test('are stored as a SHA-256 hex digest that does not contain the token', () => {
    const token = generateInviteToken();
    const hash = hashInviteToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashInviteToken(token));
    expect(hash).not.toContain(token);
    expect(hashInviteToken(generateInviteToken())).not.toBe(hash);
  });

  test('anything but the token shape is refused before the store', () => {
    for (const value of ['', 'short', `${generateInviteToken()}x`, `${generateInviteToken().slice(1)}=`, '../../etc/passwd', 'a'.repeat(43).replace(/a$/, '/')]) {
      expect([value, looksLikeInviteToken(value)]).toEqual([value, false]);
    }
  });
});

describe('invite status', () => {
  const clock = createTestClock();
  const base = { revokedAt: null, uses: 0, maxUses: 1, expiresAt: new Date(clock.now().getTime() + DAY) };

  test('pending until used up, expired or revoked', () => {
    expect(inviteStatus(base, clock.now())).toBe('pending');
    expect(inviteStatus({ ...base, uses: 1 }, clock.now())).toBe('redeemed');
    expect(inviteStatus({ ...base, maxUses: 3, uses: 2 }, clock.now())).toBe('pending');
    expect(inviteStatus({ ...base, revokedAt: clock.now() }, clock.now())).toBe('revoked');
  });

  test('expires at its expiry instant exactly, by the clock it is given', () => {
    const expiry = base.expiresAt;
    expect(inviteStatus(base, new Date(expiry.getTime() - 1))).toBe('pending');
    expect(inviteStatus(base, expiry)).toBe('expired');
  });

  test('revoked wins over used, used over expired', () => {
    const late = new Date(base.expiresAt.getTime() + DAY);
    expect(inviteStatus({ ...base, uses: 1, revokedAt: clock.now() }, late)).toBe('revoked');
    expect(inviteStatus({ ...base, uses: 1 }, late)).toBe('redeemed');
  });
});

describe('invite email policy', () => {
  test('a bound invite admits only its address, trimmed and case-insensitively', () => {
    const bound = { email: 'ada@example.com' };
    expect(emailMatchesInvite(bound, ' Ada@Example.COM ')).toBe(true);
    expect(emailMatchesInvite(bound, 'eve@example.com')).toBe(false);
    expect(emailMatchesInvite({ email: null }, 'anyone@example.org')).toBe(true);
  });

  test('whitelist entries: a domain, @domain, or one exact address; never a suffix of another domain', () => {
    const whitelist = ['example.com', '@corp.example', 'alice@example.org'];
    expect(isWhitelisted('bob@example.com', whitelist)).toBe(true);
    expect(isWhitelisted('BOB@EXAMPLE.COM', whitelist)).toBe(true);
    expect(isWhitelisted('carol@corp.example', whitelist)).toBe(true);
    expect(isWhitelisted('alice@example.org', whitelist)).toBe(true);
    expect(isWhitelisted('mallory@example.org', whitelist)).toBe(false);
    expect(isWhitelisted('eve@evil-example.com', whitelist)).toBe(false);
    expect(isWhitelisted('eve@sub.example.com', whitelist)).toBe(false);
    expect(isWhitelisted('eve@example.com.evil.test', whitelist)).toBe(false);
    expect(isWhitelisted('anyone@example.com', [])).toBe(false);
  });
});
