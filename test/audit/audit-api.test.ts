// GET /admin/audit: filters, cursor pagination, the NDJSON export read line by line, admin-only
// access, clear 400s, and retention dropping old events.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { adminToken, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { DAY } from '../support/test-clock.ts';
import { call } from './http.ts';

let gl: RunningGuestlist;
let admin: string;
const t0 = new Date('2030-01-01T00:00:00.000Z');

beforeAll(async () => {
  gl = await startGuestlist({ extraDeps: { startWorkers: false } });
  // The events come first, each a minute apart, before any HTTP call adds its own.
  const audit = gl.guestlist.services.audit;
  gl.clock.set(t0);
  for (let i = 0; i < 30; i++) {
    await audit.record(
      {
        type: i % 3 === 0 ? 'invite.created' : i % 3 === 1 ? 'invite.viewed' : 'registration.failed',
        actor: i % 2 === 0 ? 'admin-client' : 'anonymous',
        inviteId: `invite-${i % 5}`,
        reason: i % 3 === 2 ? 'invalid_invite' : null,
        data: { n: i },
      },
      { ip: i < 10 ? '10.0.0.1' : '10.0.0.2', userAgent: 'seed', requestId: `seed-${i}` },
    );
    gl.clock.advance(60_000);
  }
  gl.clock.set(new Date(t0.getTime() + DAY));
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

const audit = (query: string, headers: Record<string, string> = {}) => call('GET', `${gl.url}/admin/audit${query}`, { token: admin, headers });
const seeded = (data: { data: { n: number } | null }[]) => data.filter((e) => e.data && typeof e.data.n === 'number').map((e) => e.data!.n);

test('events come newest first in the snake_case shape', async () => {
  const page = await audit('?ip=10.0.0.2&limit=1');
  expect(page.status).toBe(200);
  expect(page.body.data).toEqual([
    {
      id: expect.any(String),
      type: 'registration.failed',
      at: new Date(t0.getTime() + 29 * 60_000).toISOString(),
      actor: 'anonymous',
      invite_id: 'invite-4',
      account_id: null,
      ip: '10.0.0.2',
      user_agent: 'seed',
      request_id: 'seed-29',
      reason: 'invalid_invite',
      data: { n: 29 },
    },
  ]);
  expect(typeof page.body.next_cursor).toBe('string');
});

test('each filter narrows the result, and filters combine', async () => {
  expect(seeded((await audit('?type=invite.created&limit=100')).body.data)).toEqual([27, 24, 21, 18, 15, 12, 9, 6, 3, 0]);
  expect(seeded((await audit('?invite_id=invite-3&limit=100')).body.data)).toEqual([28, 23, 18, 13, 8, 3]);
  expect(seeded((await audit('?actor=admin-client&type=registration.failed&limit=100')).body.data)).toEqual([26, 20, 14, 8, 2]);
  expect(seeded((await audit('?ip=10.0.0.1&limit=100')).body.data)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  const since = new Date(t0.getTime() + 25 * 60_000).toISOString();
  const until = new Date(t0.getTime() + 28 * 60_000).toISOString();
  // since is inclusive, until exclusive.
  expect(seeded((await audit(`?since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}&limit=100`)).body.data)).toEqual([27, 26, 25]);
});

test('cursor pagination walks every match exactly once', async () => {
  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Awaited<ReturnType<typeof audit>> = await audit(`?ip=10.0.0.2&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    expect(page.body.data.length).toBeLessThanOrEqual(7);
    seen.push(...seeded(page.body.data));
    cursor = page.body.next_cursor;
    pages += 1;
  } while (cursor);
  expect(pages).toBe(3);
  expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => 29 - i));
});

test('Accept: application/x-ndjson streams every match, one JSON event per line', async () => {
  const response = await fetch(`${gl.url}/admin/audit?type=invite.viewed`, { headers: { Accept: 'application/x-ndjson', Authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  const lines = createInterface({ input: Readable.fromWeb(response.body as never) });
  const events: { type: string; data: { n: number } }[] = [];
  for await (const line of lines) {
    if (line === '') continue;
    events.push(JSON.parse(line));
  }
  expect(events.every((e) => e.type === 'invite.viewed')).toBe(true);
  expect(events.map((e) => e.data.n)).toEqual([28, 25, 22, 19, 16, 13, 10, 7, 4, 1]);
  expect(Object.keys(events[0]!).sort()).toEqual(['account_id', 'actor', 'at', 'data', 'id', 'invite_id', 'ip', 'reason', 'request_id', 'type', 'user_agent']);
});

test('the export streams more events than one store batch without losing or repeating any', async () => {
  const recorder = gl.guestlist.services.audit;
  for (let i = 0; i < 1200; i++) await recorder.record({ type: 'security.alert', actor: 'bulk', data: { i } }, { ip: '10.0.0.9', userAgent: null, requestId: null });
  const response = await fetch(`${gl.url}/admin/audit?actor=bulk`, { headers: { Accept: 'application/x-ndjson', Authorization: `Bearer ${admin}` } });
  const text = await response.text();
  const ids = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; data: { i: number } });
  expect(ids).toHaveLength(1200);
  expect(new Set(ids.map((e) => e.id)).size).toBe(1200);
  expect(ids[0]!.data.i).toBe(1199);
  expect(ids[1199]!.data.i).toBe(0);
});

test('only an admin token reads the log', async () => {
  expect((await call('GET', `${gl.url}/admin/audit`)).status).toBe(401);
  expect((await call('GET', `${gl.url}/admin/audit`, { token: 'not-a-token' })).status).toBe(401);
  const ndjson = await fetch(`${gl.url}/admin/audit`, { headers: { Accept: 'application/x-ndjson' } });
  expect(ndjson.status).toBe(401);
});

test('bad filters are 400 invalid_request naming the field', async () => {
  for (const [query, path] of [
    ['?type=invite.exploded', 'type'],
    ['?since=yesterday', 'since'],
    ['?limit=0', 'limit'],
    ['?limit=100000', 'limit'],
    ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    [`?since=${encodeURIComponent('2030-02-01T00:00:00Z')}&until=${encodeURIComponent('2030-01-01T00:00:00Z')}`, 'until'],
  ] as const) {
    const result = await audit(query);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_request');
    expect(result.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  }
});

test('the retention sweep drops events older than audit_retention_days and keeps the rest', async () => {
  const sweeper = gl.guestlist.services.sweeper;
  expect(sweeper).toBeTruthy();
  const before = (await audit('?ip=10.0.0.1&limit=100')).body.data.length;
  expect(before).toBe(10);
  // Move to just past 365 days after the 5th seeded event: events 0..4 (10.0.0.1) are too old.
  gl.clock.set(new Date(t0.getTime() + 365 * DAY + 4 * 60_000 + 1));
  const purged = await sweeper.sweep();
  expect(purged).toBe(5);
  admin = await adminToken(gl);
  expect(seeded((await audit('?ip=10.0.0.1&limit=100')).body.data)).toEqual([9, 8, 7, 6, 5]);
});
