// `node bench/console-lists.ts`: how the console's lists and overview hold up with 100,000
// invitations (BENCH_INVITES) in the embedded store: the queries one page makes, timed as medians.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEmbeddedStore } from '../src/store/embedded/index.ts';
import { createOverviewStats } from '../src/audit/overview-stats.ts';
import type { InviteFilter, NewInvite } from '../src/store/ports.ts';

const COUNT = Number(process.env.BENCH_INVITES ?? 100_000);
const RUNS = 25;
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'guestlist-console-bench-'));
const store = createEmbeddedStore({ dataDir: dir });
const now = new Date();
try {
  process.stdout.write(`seeding ${COUNT} invitations and as many audit events...\n`);
  for (let done = 0; done < COUNT; done += 5_000) {
    const batch: NewInvite[] = Array.from({ length: Math.min(5_000, COUNT - done) }, (_, i) => {
      const n = done + i;
      const createdAt = new Date(now.getTime() - (n % 40) * DAY);
      return {
        id: randomUUID(),
        tokenHash: randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', ''),
        email: `guest${n}@example${n % 50}.test`,
        maxUses: 1,
        expiresAt: new Date(createdAt.getTime() + 7 * DAY),
        createdAt,
        createdBy: n % 3 ? 'guestlist-admin' : 'cli',
        clientId: n % 4 ? 'demo-app' : null,
        roles: n % 10 ? ['beta'] : ['beta', 'crew'],
        metadata: {},
        note: null,
      };
    });
    const created = await store.invites.createMany(batch);
    for (const invite of created) {
      await store.audit.append({ id: randomUUID(), type: 'invite.created', at: invite.createdAt, actor: invite.createdBy, inviteId: invite.id, accountId: null, ip: null, userAgent: null, requestId: null, reason: null, data: null });
    }
  }

  async function median(run: () => Promise<unknown>): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = process.hrtime.bigint();
      await run();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  }

  const page = (filter: InviteFilter, cursor?: string | null) => store.invites.list(filter, { limit: 50, cursor }, now);
  let deep: string | null = null;
  for (let i = 0, cursor: string | null = null; i < 100; i++) cursor = deep = (await page({}, cursor)).nextCursor;
  const overview = createOverviewStats({ store, clock: () => now });
  const rows: Array<[string, number]> = [
    ['first page, no filter', await median(() => page({}))],
    ['page 101 (keyset cursor)', await median(() => page({}, deep))],
    ['status = pending', await median(() => page({ status: 'pending' }))],
    ['status = expired', await median(() => page({ status: 'expired' }))],
    ['email starts with "guest9999"', await median(() => page({ emailPrefix: 'guest9999' }))],
    ['role = crew', await median(() => page({ role: 'crew' }))],
    ['app = demo-app, created by cli', await median(() => page({ clientId: 'demo-app', createdBy: 'cli' }))],
    ['counts by status (cached 60 s)', await median(() => store.invites.countByStatus(now))],
    ['overview, recomputed', await median(() => overview.overview({ fresh: true }))],
    ['overview, cached', await median(() => overview.overview())],
  ];
  process.stdout.write(`\n| query (${COUNT.toLocaleString('en')} invitations) | median ms |\n|---|---|\n`);
  for (const [name, ms] of rows) process.stdout.write(`| ${name} | ${ms.toFixed(2)} |\n`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
