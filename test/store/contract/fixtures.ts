// Shared fixtures for the store contract: a controllable clock, record builders and page walkers.
import { randomUUID } from 'node:crypto';
import type { NewAccount, NewAuditEvent, NewInvite, Page, Store } from '../../../src/store/ports.ts';

import { createTestClock, DAY, MINUTE, type TestClock } from '../../support/test-clock.ts';

export { createTestClock, DAY, MINUTE, type TestClock };

/** What each section of the contract sees: the store of the current test and its clock. */
export interface ContractContext {
  store(): Store;
  clock(): TestClock;
}

export const later = (clock: TestClock, ms: number): Date => new Date(clock.now().getTime() + ms);

export function newInvite(clock: TestClock, overrides: Partial<NewInvite> = {}): NewInvite {
  return {
    id: randomUUID(),
    tokenHash: randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', ''),
    email: null,
    maxUses: 1,
    expiresAt: later(clock, 7 * DAY),
    createdAt: clock.now(),
    createdBy: 'admin-client',
    clientId: null,
    roles: [],
    metadata: {},
    note: null,
    ...overrides,
  };
}

export function newAccount(clock: TestClock, overrides: Partial<NewAccount> = {}): NewAccount {
  const id = randomUUID();
  return {
    id,
    email: `${id}@example.test`,
    emailVerified: false,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    phoneNumber: null,
    phoneNumberVerified: false,
    roles: [],
    inviteId: null,
    invitedBy: null,
    createdAt: clock.now(),
    disabled: false,
    inviteQuota: null,
    ...overrides,
  };
}

/** Spends one use of an invite the only way the product can: a sign-up redeeming it. */
export async function spendUse(store: Store, inviteId: string, clock: TestClock): Promise<void> {
  const outcome = await store.accounts.createRedeemingInvite(newAccount(clock, { inviteId }), inviteId, { ip: null }, clock.now());
  if (!outcome.ok) throw new Error(`spendUse: the invite ${inviteId} had no use left (${outcome.reason})`);
}

export function newEvent(clock: TestClock, overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    id: randomUUID(),
    type: 'invite.viewed',
    at: clock.now(),
    actor: 'anonymous',
    inviteId: null,
    accountId: null,
    ip: '192.0.2.1',
    userAgent: 'jest',
    requestId: null,
    reason: null,
    data: null,
    ...overrides,
  };
}

/** Follows next cursors to the end, failing on a runaway loop instead of hanging. */
export async function walkPages<T>(fetch: (cursor: string | null) => Promise<Page<T>>, maxPages = 100): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetch(cursor);
    pages.push(page.items);
    cursor = page.nextCursor;
    if (pages.length > maxPages) throw new Error('pagination did not end');
  } while (cursor);
  return pages;
}

/** Strictly decreasing: the newest-first order every list promises. */
export function expectNewestFirst(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeLessThan(seqs[i - 1]!);
}

/** Cursors a store must refuse: garbage, and well-formed base64url that is not ours. */
export const FORGED_CURSORS = ['not a cursor!', Buffer.from('x:12').toString('base64url'), Buffer.from('s:-1').toString('base64url')];
