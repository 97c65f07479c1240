// Contract for AuditStore: append, filtered newest-first queries, constant-memory streaming, purge.
import { InvalidCursorError } from '../../../src/store/cursor.ts';
import type { AuditEvent, NewAuditEvent } from '../../../src/store/ports.ts';
import { FORGED_CURSORS, MINUTE, later, newEvent, walkPages, type ContractContext } from './fixtures.ts';

export function auditContract({ store, clock }: ContractContext): void {
  describe('audit', () => {
    const ids = (items: AuditEvent[]) => items.map((event) => event.id);

    test('append returns the event; query gives it back intact, newest first', async () => {
      const input = newEvent(clock(), {
        type: 'registration.succeeded',
        actor: 'account:42',
        inviteId: 'inv-1',
        accountId: 'acc-1',
        requestId: 'req-1',
        reason: 'whitelisted',
        data: { count: 3, nested: { ok: true }, '$odd': 'key', 'a.b': 1 },
      });
      const stored = await store().audit.append(input);
      expect(stored).toEqual(input);
      // Stored later at the same instant: it comes first.
      const bare = await store().audit.append(newEvent(clock(), { ip: null, userAgent: null }));
      expect((await store().audit.query({}, { limit: 10 })).items).toEqual([bare, stored]);
    });

    test('the order is by the time of the event, whatever the order events were stored in', async () => {
      const c = clock();
      const late = await store().audit.append(newEvent(c, { at: later(c, 2 * MINUTE) }));
      const early = await store().audit.append(newEvent(c));
      const middle = await store().audit.append(newEvent(c, { at: later(c, MINUTE) }));
      const sameAsLate = await store().audit.append(newEvent(c, { at: later(c, 2 * MINUTE) }));
      const expected = [sameAsLate.id, late.id, middle.id, early.id];
      expect(ids((await store().audit.query({}, { limit: 10 })).items)).toEqual(expected);
      expect(ids((await walkPages((cursor) => store().audit.query({}, { limit: 1, cursor }))).flat())).toEqual(expected);
      const streamed: AuditEvent[] = [];
      for await (const event of store().audit.stream({})) streamed.push(event);
      expect(ids(streamed)).toEqual(expected);
    });

    test('a page walk sees events stored between its pages at an older time, and never one twice', async () => {
      const c = clock();
      const appended: AuditEvent[] = [];
      for (let i = 0; i < 6; i++) appended.push(await store().audit.append(newEvent(c, { at: later(c, i * MINUTE) })));
      const first = await store().audit.query({}, { limit: 3 });
      expect(ids(first.items)).toEqual(ids(appended.slice(3).reverse()));
      // Stored after the first page was read, older than everything on it.
      const straggler = await store().audit.append(newEvent(c, { at: later(c, 2 * MINUTE + 1) }));
      const rest = await walkPages((cursor) => store().audit.query({}, { limit: 3, cursor: cursor ?? first.nextCursor }));
      expect(ids(rest.flat())).toEqual([straggler.id, ...ids(appended.slice(0, 3).reverse())]);
    });

    test('each filter selects exactly its events, newest first', async () => {
      const c = clock();
      const add = (overrides: Partial<NewAuditEvent>) => store().audit.append(newEvent(c, overrides));
      const e1 = await add({ type: 'invite.created', actor: 'admin', inviteId: 'inv-1', ip: '192.0.2.1' });
      c.advance(MINUTE);
      const since = c.now();
      const e2 = await add({ type: 'invite.viewed', actor: 'anonymous', inviteId: 'inv-1', ip: '192.0.2.2' });
      const e3 = await add({ type: 'login.failed', actor: 'anonymous', accountId: 'acc-1', ip: '192.0.2.2', reason: 'bad_password' });
      c.advance(MINUTE);
      const until = c.now();
      const e4 = await add({ type: 'login.succeeded', actor: 'account:acc-1', accountId: 'acc-1', ip: '192.0.2.1' });
      const query = async (filter: Parameters<ReturnType<typeof store>['audit']['query']>[0]) => ids((await store().audit.query(filter, { limit: 50 })).items);

      expect(await query({})).toEqual([e4.id, e3.id, e2.id, e1.id]);
      expect(await query({ type: 'login.failed' })).toEqual([e3.id]);
      expect(await query({ inviteId: 'inv-1' })).toEqual([e2.id, e1.id]);
      expect(await query({ accountId: 'acc-1' })).toEqual([e4.id, e3.id]);
      expect(await query({ actor: 'anonymous' })).toEqual([e3.id, e2.id]);
      expect(await query({ ip: '192.0.2.1' })).toEqual([e4.id, e1.id]);
      // since is inclusive, until exclusive.
      expect(await query({ since })).toEqual([e4.id, e3.id, e2.id]);
      expect(await query({ until })).toEqual([e3.id, e2.id, e1.id]);
      expect(await query({ since, until })).toEqual([e3.id, e2.id]);
      expect(await query({ ip: '192.0.2.2', actor: 'anonymous', type: 'invite.viewed' })).toEqual([e2.id]);
      expect(await query({ type: 'no.such.type' })).toEqual([]);
    });

    test('cursor pagination walks every matching event once', async () => {
      const appended: AuditEvent[] = [];
      for (let i = 0; i < 26; i++) appended.push(await store().audit.append(newEvent(clock(), { type: i % 2 ? 'a' : 'b' })));
      const pages = await walkPages((cursor) => store().audit.query({ type: 'a' }, { limit: 4, cursor }));
      expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 1]);
      expect(ids(pages.flat())).toEqual(ids(appended.filter((event) => event.type === 'a').reverse()));
      for (const cursor of FORGED_CURSORS) {
        await expect(store().audit.query({}, { limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
    });

    test('stream yields every matching event newest first, across many batches', async () => {
      const total = 1234;
      const appended: AuditEvent[] = [];
      for (let i = 0; i < total; i++) {
        appended.push(await store().audit.append(newEvent(clock(), { type: i % 3 === 0 ? 'login.failed' : 'invite.viewed' })));
      }
      const all: AuditEvent[] = [];
      for await (const event of store().audit.stream({})) all.push(event);
      expect(all).toHaveLength(total);
      expect(ids(all)).toEqual(ids([...appended].reverse()));
      expect(all[0]).toEqual(appended[total - 1]);

      const failed: AuditEvent[] = [];
      for await (const event of store().audit.stream({ type: 'login.failed' })) failed.push(event);
      expect(ids(failed)).toEqual(ids(appended.filter((event) => event.type === 'login.failed').reverse()));

      const none: AuditEvent[] = [];
      for await (const event of store().audit.stream({ actor: 'nobody' })) none.push(event);
      expect(none).toEqual([]);
    });

    test('purgeBefore drops older events and says how many', async () => {
      const c = clock();
      await store().audit.append(newEvent(c));
      await store().audit.append(newEvent(c));
      c.advance(MINUTE);
      const cutoff = c.now();
      const kept = await store().audit.append(newEvent(c));
      expect(await store().audit.purgeBefore(cutoff)).toBe(2);
      expect(await store().audit.purgeBefore(cutoff)).toBe(0);
      expect(ids((await store().audit.query({}, { limit: 10 })).items)).toEqual([kept.id]);
    });
  });
}
