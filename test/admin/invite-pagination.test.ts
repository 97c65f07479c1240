// Cursor pagination of /admin/invites, as a property: every invite that existed when the walk began
// appears exactly once across the pages, whatever is created between page fetches.
import fc from 'fast-check';
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';

let gl: RunningGuestlist;
let admin: string;

beforeAll(async () => {
  gl = await startGuestlist({ extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

async function createSome(count: number, tag: string): Promise<string[]> {
  if (!count) return [];
  const { body } = await postJson(`${gl.url}/admin/invites/bulk`, { invites: Array.from({ length: count }, () => ({ note: tag, send_email: false })) }, admin);
  return body.results.map((r: any) => r.invite.id);
}

test('every invite appears exactly once across pages while more are being created', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 1, max: 15 }),
      fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      async (initial, limit, createdBetween, filtered) => {
        const tag = `run-${run++}`;
        // Each run walks its own invites: the clock moves on and the walk starts from there.
        gl.clock.advance(1_000);
        const since = `&created_after=${encodeURIComponent(gl.clock.now().toISOString())}`;
        const before = await createSome(initial, tag);
        // Filter by creator too sometimes, so the property holds under a filter as well.
        const filter = since + (filtered ? `&created_by=${encodeURIComponent(gl.adminClientId)}&status=pending` : '');
        const seen: string[] = [];
        const addedDuring: string[] = [];
        let cursor: string | null = null;
        let step = 0;
        do {
          const page: any = await getJson(`${gl.url}/admin/invites?limit=${limit}${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, admin);
          expect(page.status).toBe(200);
          expect(page.body.data.length).toBeLessThanOrEqual(limit);
          seen.push(...page.body.data.map((i: any) => i.id));
          cursor = page.body.next_cursor;
          addedDuring.push(...(await createSome(createdBetween[step++ % createdBetween.length]!, tag)));
        } while (cursor);
        // No repeats anywhere; everything from before the walk is there; newer ones never sneak in
        // behind the cursor (the order is newest first, so they belong to a fresh walk).
        expect(new Set(seen).size).toBe(seen.length);
        const seenSet = new Set(seen);
        expect(before.filter((id) => !seenSet.has(id))).toEqual([]);
        expect(addedDuring.filter((id) => seenSet.has(id))).toEqual([]);
      },
    ),
    { numRuns: 30 },
  );
}, 120_000);

test('a forged cursor is a 400, not a 500', async () => {
  const answer = await getJson(`${gl.url}/admin/invites?cursor=not-a-cursor`, admin);
  expect(answer.status).toBe(400);
  expect(answer.body.details).toEqual([{ path: 'cursor', message: 'is not valid' }]);
});
