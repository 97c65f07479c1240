// POST /admin/invites/bulk: JSON or CSV, a result per numbered row, partial success, 1,000 rows at most.
import { adminToken, getJson, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';

let gl: RunningGuestlist;
let admin: string;

beforeAll(async () => {
  gl = await startGuestlist({ extraDeps: { startWorkers: false } });
  admin = await adminToken(gl);
});
afterAll(() => gl.stop());

async function postCsv(csv: string, contentType = 'text/csv') {
  const response = await fetch(`${gl.url}/admin/invites/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, Accept: 'application/json', Authorization: `Bearer ${admin}` },
    body: csv,
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function countInvites(query = ''): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const page: any = await getJson(`${gl.url}/admin/invites?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`, admin);
    total += page.body.data.length;
    cursor = page.body.next_cursor;
  } while (cursor);
  return total;
}

test('CSV with 120 good rows and one bad row creates 120 invites and reports the bad row by its number', async () => {
  const lines = ['email,expires_in_days,max_uses,roles,note'];
  for (let i = 1; i <= 121; i++) {
    if (i === 57) lines.push('not-an-email,7,1,beta,bad row');
    else lines.push(`csv${i}@example.com,${(i % 30) + 1},${(i % 3) + 1},beta;editor|viewer,"note, with comma ${i}"`);
  }
  const before = await countInvites();
  const { status, body } = await postCsv(lines.join('\r\n') + '\r\n');
  expect(status).toBe(200);
  expect(body.results).toHaveLength(121);
  expect(body.results.map((r: any) => r.row)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
  const errors = body.results.filter((r: any) => r.status === 'error');
  expect(errors).toEqual([{ row: 57, status: 'error', error: expect.objectContaining({ error: 'invalid_request', details: [expect.objectContaining({ path: 'email' })] }) }]);
  const created = body.results.filter((r: any) => r.status === 'created');
  expect(created).toHaveLength(120);
  const first = created[0].invite;
  expect(first).toMatchObject({ email: 'csv1@example.com', max_uses: 2, roles: ['beta', 'editor', 'viewer'], note: 'note, with comma 1', status: 'pending' });
  expect(first.url).toBe(`${gl.url}/invite/${first.token}`);
  expect(body.results[57].invite.email).toBe('csv58@example.com');
  expect(await countInvites()).toBe(before + 120);
  // Every link works on its own.
  const check = await getJson(`${gl.url}/api/invites/${created[119].invite.token}`);
  expect(check.body).toMatchObject({ valid: true, email: 'csv121@example.com' });
  // The bound invites' emails are queued, one per invite.
  expect(await gl.guestlist.services.mail.pending()).toBeGreaterThanOrEqual(120);
});

test('JSON bulk: a row naming an unknown app and a row with a bad field fail alone', async () => {
  const { status, body } = await postJson(
    `${gl.url}/admin/invites/bulk`,
    { invites: [{ email: 'j1@example.com' }, { client_id: 'no-such-app' }, { max_uses: 0 }, { note: 'open', send_email: false }] },
    admin,
  );
  expect(status).toBe(200);
  expect(body.results.map((r: any) => [r.row, r.status])).toEqual([
    [1, 'created'],
    [2, 'error'],
    [3, 'error'],
    [4, 'created'],
  ]);
  expect(body.results[1].error).toMatchObject({ error: 'invalid_request', details: [{ path: 'client_id', message: 'unknown client' }] });
  expect(body.results[2].error.details).toEqual([{ path: 'max_uses', message: 'must be at least 1' }]);
  expect(body.results[3].invite).toMatchObject({ email: null, note: 'open' });
});

test('CSV rows with extra cells or non-numeric numbers are row errors; short rows leave columns blank', async () => {
  const { status, body } = await postCsv('Email,Max_Uses\nshort@example.com\nlong@example.com,2,extra\nnan@example.com,many\n');
  expect(status).toBe(200);
  expect(body.results.map((r: any) => r.status)).toEqual(['created', 'error', 'error']);
  expect(body.results[0].invite.max_uses).toBe(1);
  expect(body.results[1].error.details[0].message).toMatch(/3 cells but the header has 2 columns/);
  expect(body.results[2].error.details).toEqual([{ path: 'max_uses', message: 'must be a number' }]);
});

test('more than 1,000 rows, an unknown column, a broken quote or another media type are refused whole', async () => {
  const before = await countInvites();
  const many = await postJson(`${gl.url}/admin/invites/bulk`, { invites: Array.from({ length: 1001 }, () => ({})) }, admin);
  expect(many.status).toBe(400);
  expect(many.body).toMatchObject({ error: 'invalid_request', details: [{ path: 'invites', message: 'must hold at most 1000 rows (got 1001)' }] });
  expect(many.body.message).toMatch(/at most 1,000/);

  const manyCsv = await postCsv(['email', ...Array.from({ length: 1001 }, (_, i) => `m${i}@example.com`)].join('\n'));
  expect(manyCsv.status).toBe(400);
  expect(manyCsv.body.details).toEqual([{ path: 'csv', message: 'must hold at most 1000 rows (got 1001)' }]);

  const header = await postCsv('email,colour\na@example.com,red\n');
  expect(header.status).toBe(400);
  expect(header.body.details[0].path).toBe('csv.header');

  const quote = await postCsv('email,note\na@example.com,"unclosed\n');
  expect(quote.status).toBe(400);
  expect(quote.body.details[0].path).toBe('csv');

  const empty = await postJson(`${gl.url}/admin/invites/bulk`, { invites: [] }, admin);
  expect(empty.status).toBe(400);

  const plain = await postCsv('email\na@example.com\n', 'text/plain');
  expect(plain.status).toBe(415);
  expect(plain.body.error).toBe('unsupported_media_type');
  expect(await countInvites()).toBe(before);
});

test('1,000 invites in one JSON request are all created, each with its own link', async () => {
  const invites = Array.from({ length: 1000 }, (_, i) => ({ email: `k${i}@example.com`, roles: ['member'], note: 'batch' }));
  const { status, body } = await postJson(`${gl.url}/admin/invites/bulk`, { invites }, admin);
  expect(status).toBe(200);
  expect(body.results.filter((r: any) => r.status === 'created')).toHaveLength(1000);
  expect(new Set(body.results.map((r: any) => r.invite.token)).size).toBe(1000);
});
