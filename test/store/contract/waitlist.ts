// Contract for WaitlistStore: unconfirmed requests, one atomic confirmation into the queue (one entry
// per email), decisions only while pending, oldest-first keyset pages, counts and positions.
import { randomUUID } from 'node:crypto';
import type { NewWaitlistRequest, WaitlistFilter } from '../../../src/store/ports.ts';
import { DAY, FORGED_CURSORS, MINUTE, later, walkPages, type ContractContext, type TestClock } from './fixtures.ts';

function newRequest(clock: TestClock, overrides: Partial<NewWaitlistRequest> = {}): NewWaitlistRequest {
  const email = overrides.email ?? `${randomUUID()}@example.test`;
  return {
    id: randomUUID(),
    email,
    domain: email.slice(email.indexOf('@') + 1),
    name: 'Ada',
    reason: 'I run a small team',
    ref: 'spring-campaign',
    tokenHash: randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', ''),
    codeHash: 'c'.repeat(64),
    requestedAt: clock.now(),
    expiresAt: later(clock, 2 * DAY),
    ...overrides,
  };
}

export function waitlistContract({ store, clock }: ContractContext): void {
  describe('waitlist', () => {
    const waitlist = () => store().waitlist;

    test('a request is stored unconfirmed, found by id and by its token hash until it expires', async () => {
      const request = newRequest(clock());
      const stored = await waitlist().create(request);
      expect(stored).toEqual({
        ...request,
        status: 'unconfirmed',
        attempts: 0,
        confirmedAt: null,
        decidedAt: null,
        decidedBy: null,
        denialReason: null,
        inviteId: null,
        seq: null,
      });
      expect(await waitlist().findById(request.id)).toEqual(stored);
      expect(await waitlist().findById('missing')).toBeNull();
      expect(await waitlist().findUnconfirmedByTokenHash(request.tokenHash!, clock().now())).toEqual(stored);
      expect(await waitlist().findUnconfirmedByTokenHash('f'.repeat(64), clock().now())).toBeNull();
      expect(await waitlist().findUnconfirmedByTokenHash(request.tokenHash!, request.expiresAt)).toBeNull();
    });

    test('addAttempt counts wrong codes atomically', async () => {
      const request = await waitlist().create(newRequest(clock()));
      const counts = await Promise.all(Array.from({ length: 6 }, () => waitlist().addAttempt(request.id)));
      expect(counts.sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await waitlist().addAttempt('missing')).toBe(0);
    });

    test('confirm queues the request as pending with the next place and clears its secrets, once', async () => {
      const first = await waitlist().create(newRequest(clock()));
      const second = await waitlist().create(newRequest(clock()));
      const at = clock().advance(MINUTE);
      const a = await waitlist().confirm(second.id, at);
      const b = await waitlist().confirm(first.id, at);
      expect(a).toEqual({ ok: true, entry: expect.objectContaining({ id: second.id, status: 'pending', confirmedAt: at, expiresAt: null, tokenHash: null, codeHash: null }) });
      if (!a.ok || !b.ok) throw new Error('both confirm');
      // Places follow the order of confirmation, not of the requests.
      expect(b.entry.seq!).toBeGreaterThan(a.entry.seq!);
      expect(await waitlist().confirm(second.id, at)).toEqual({ ok: false, reason: 'gone' });
      expect(await waitlist().findUnconfirmedByTokenHash(second.tokenHash!, at)).toBeNull();
      expect(await waitlist().confirm('missing', at)).toEqual({ ok: false, reason: 'gone' });
    });

    test('an expired request cannot be confirmed', async () => {
      const request = await waitlist().create(newRequest(clock(), { expiresAt: later(clock(), MINUTE) }));
      expect(await waitlist().confirm(request.id, later(clock(), MINUTE))).toEqual({ ok: false, reason: 'gone' });
    });

    test('one queued entry per email: a second request of the same email is told which entry holds the place', async () => {
      const first = await waitlist().create(newRequest(clock(), { email: 'twice@example.test' }));
      const second = await waitlist().create(newRequest(clock(), { email: 'twice@example.test' }));
      const confirmed = await waitlist().confirm(first.id, clock().now());
      expect(confirmed.ok).toBe(true);
      const again = await waitlist().confirm(second.id, clock().now());
      expect(again).toEqual({ ok: false, reason: 'already_queued', entry: expect.objectContaining({ id: first.id, status: 'pending' }) });
      expect((await waitlist().findById(second.id))?.status).toBe('unconfirmed');
    });

    test('of racing confirmations of one email exactly one is queued', async () => {
      const requests = await Promise.all(Array.from({ length: 8 }, () => waitlist().create(newRequest(clock(), { email: 'race@example.test' }))));
      const outcomes = await Promise.all(requests.map((request) => waitlist().confirm(request.id, clock().now())));
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === 'already_queued')).toHaveLength(7);
      expect((await waitlist().list({ emailPrefix: 'race@' }, { limit: 10 })).items).toHaveLength(1);
    });

    test('discard removes an unconfirmed request for one caller, and never a queued entry', async () => {
      const request = await waitlist().create(newRequest(clock()));
      const results = await Promise.all(Array.from({ length: 5 }, () => waitlist().discard(request.id)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await waitlist().findById(request.id)).toBeNull();
      const queued = await waitlist().create(newRequest(clock()));
      await waitlist().confirm(queued.id, clock().now());
      expect(await waitlist().discard(queued.id)).toBe(false);
      expect((await waitlist().findById(queued.id))?.status).toBe('pending');
    });

    test('decide approves or denies a pending entry once; racing decisions have one winner', async () => {
      const request = await waitlist().create(newRequest(clock()));
      expect(await waitlist().decide(request.id, { status: 'approved', at: clock().now(), by: 'admin' })).toBeNull();
      await waitlist().confirm(request.id, clock().now());
      const at = clock().advance(MINUTE);
      const decisions = await Promise.all([
        waitlist().decide(request.id, { status: 'approved', at, by: 'admin-a', inviteId: 'invite-1' }),
        waitlist().decide(request.id, { status: 'denied', at, by: 'admin-b', denialReason: 'not now' }),
        waitlist().decide(request.id, { status: 'approved', at, by: 'admin-c', inviteId: 'invite-2' }),
      ]);
      const won = decisions.filter((d) => d !== null);
      expect(won).toHaveLength(1);
      expect(await waitlist().findById(request.id)).toEqual(won[0]);
      expect(won[0]).toMatchObject({ decidedAt: at });
      const denied = await waitlist().create(newRequest(clock()));
      await waitlist().confirm(denied.id, clock().now());
      expect(await waitlist().decide(denied.id, { status: 'denied', at, by: 'admin', denialReason: 'spam' })).toMatchObject({ status: 'denied', decidedBy: 'admin', denialReason: 'spam', inviteId: null });
      expect(await waitlist().decide('missing', { status: 'denied', at, by: 'admin' })).toBeNull();
    });

    test('list holds queued entries only, oldest first, filtered by status, domain and email prefix, in keyset pages', async () => {
      const emails = ['ann@acme.test', 'bob@acme.test', 'ann.b@other.test', 'cy@acme.test', 'dee@other.test'];
      const ids: string[] = [];
      for (const email of emails) {
        const request = await waitlist().create(newRequest(clock(), { email, domain: email.split('@')[1]! }));
        await waitlist().confirm(request.id, clock().now());
        ids.push(request.id);
      }
      await waitlist().create(newRequest(clock(), { email: 'unconfirmed@acme.test', domain: 'acme.test' }));
      await waitlist().decide(ids[1]!, { status: 'approved', at: clock().now(), by: 'admin', inviteId: 'i' });
      await waitlist().decide(ids[3]!, { status: 'denied', at: clock().now(), by: 'admin' });

      const pages = await walkPages((cursor) => waitlist().list({}, { limit: 2, cursor }));
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((entry) => entry.email)).toEqual(emails);
      const emailsOf = async (filter: WaitlistFilter) =>
        (await waitlist().list(filter, { limit: 10 })).items.map((entry) => entry.email);
      expect(await emailsOf({ status: 'pending' })).toEqual(['ann@acme.test', 'ann.b@other.test', 'dee@other.test']);
      expect(await emailsOf({ status: 'approved' })).toEqual(['bob@acme.test']);
      expect(await emailsOf({ status: 'denied' })).toEqual(['cy@acme.test']);
      expect(await emailsOf({ domain: 'acme.test' })).toEqual(['ann@acme.test', 'bob@acme.test', 'cy@acme.test']);
      expect(await emailsOf({ emailPrefix: 'ann' })).toEqual(['ann@acme.test', 'ann.b@other.test']);
      expect(await emailsOf({ emailPrefix: 'ann', status: 'pending', domain: 'other.test' })).toEqual(['ann.b@other.test']);
      // Pattern characters are only characters.
      expect(await emailsOf({ emailPrefix: '%' })).toEqual([]);
      expect(await emailsOf({ emailPrefix: '.*' })).toEqual([]);
      for (const cursor of FORGED_CURSORS) await expect(waitlist().list({}, { limit: 2, cursor })).rejects.toThrow(/cursor/);
    });

    test('counts by status and the pending entries ahead of a place', async () => {
      expect(await waitlist().countByStatus()).toEqual({ pending: 0, approved: 0, denied: 0 });
      const entries = [];
      for (let i = 0; i < 4; i++) {
        const request = await waitlist().create(newRequest(clock()));
        const confirmed = await waitlist().confirm(request.id, clock().now());
        if (!confirmed.ok) throw new Error('not queued');
        entries.push(confirmed.entry);
      }
      await waitlist().create(newRequest(clock()));
      await waitlist().decide(entries[0]!.id, { status: 'denied', at: clock().now(), by: 'admin' });
      expect(await waitlist().countByStatus()).toEqual({ pending: 3, approved: 0, denied: 1 });
      expect(await waitlist().countPendingBefore(entries[0]!.seq!)).toBe(0);
      // The denied first entry no longer counts as ahead of anyone.
      expect(await waitlist().countPendingBefore(entries[1]!.seq!)).toBe(0);
      expect(await waitlist().countPendingBefore(entries[3]!.seq!)).toBe(2);
    });
  });
}
