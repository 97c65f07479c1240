// `npm run bench`: every figure of the performance goals, each against a baseline measured in
// the same run on the same machine. Prints progress and a table; writes JSON to bench/results/.
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/accounts/passwords.ts';
import { generateInviteToken, hashInviteToken } from '../src/invites/invite-token.ts';
import { createEmbeddedStore } from '../src/store/embedded/index.ts';
import { CHILD_ADMIN, REPO_ROOT, childAdminToken, freePort, startChildGuestlist, type ChildGuestlist } from '../test/support/child-guestlist.ts';
import { hammer, pool, startScript, stopScript, type Rate } from './load.ts';
import { BENCH_CLIENT_METADATA, signInOnce } from './sign-in-flow.ts';
import { seedAuditEvents, timeAuditQueries } from './audit-query.ts';
import { sessionFootprint } from './store-footprint.ts';
import { resetFigure } from './reset-completion.ts';
import { passkeyFlowRates, totpRates } from './mfa-figures.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const AUDIT_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const CORES = availableParallelism();
/**
 * BENCH_ONLY selects figures, comma-separated: discovery, jwks, invite, client_credentials,
 * registrations, sign-in (with its event-loop delay and store footprint), resets, audit,
 * passkey-sign-in, totp. The old group names still work: cheap (the first four), argon
 * (registrations, sign-in and resets), mfa (passkey-sign-in and totp).
 */
const GROUPS: Record<string, string[]> = { cheap: ['discovery', 'jwks', 'invite', 'client_credentials'], argon: ['registrations', 'sign-in', 'resets'], mfa: ['passkey-sign-in', 'totp'] };
const selected = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').flatMap((name) => GROUPS[name.trim()] ?? [name.trim()])) : null;
const wants = (name: string) => !selected || selected.has(name);
const PASSWORD = 'correct horse battery staple';
// Enough in flight to keep argon2id's thread pool (4 threads) and every core busy.
const FLOW_CONCURRENCY = Math.max(8, CORES * 4);

const began = Date.now();
const progress = (message: string) => process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);

interface Figure {
  figure: string;
  guestlist: string;
  baseline: string;
  ratio: number | null;
  goal: string;
  met: boolean;
  raw: Record<string, unknown>;
}
const figures: Figure[] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function ratioFigure(figure: string, unit: string, ours: Rate, base: Rate, baseName: string, goal: number, extra: Record<string, unknown> = {}): void {
  const ratio = ours.perSecond / base.perSecond;
  figures.push({
    figure,
    guestlist: `${fmt(ours.perSecond)} ${unit}`,
    baseline: `${fmt(base.perSecond)} ${unit} (${baseName})`,
    ratio,
    goal: `≥ ${goal}×`,
    met: ratio >= goal && ours.failed === 0,
    raw: { ours, base, ...extra },
  });
  progress(`${figure}: ${fmt(ours.perSecond)} vs ${fmt(base.perSecond)} → ${ratio.toFixed(2)}× (failures: ${ours.failed})`);
}

const guestlistEnv = (clientsFile: string) => ({
  CLIENTS_FILE: clientsFile,
  LOG_LEVEL: 'warn',
  // The bench drives everything from one address: limits meant for abuse would only measure themselves.
  RATE_LIMIT_INVITE_LOOKUPS: '100000',
  RATE_LIMIT_REGISTRATIONS: '100000',
  RATE_LIMIT_INVITE_FAILURES: '100000',
});

async function readDocument(url: string): Promise<{ type: string; body: string }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return { type: response.headers.get('content-type')!, body: await response.text() };
}

async function cheapEndpoints(work: string, clientsFile: string): Promise<void> {
  progress('starting Guestlist (child process) for discovery, JWKS, invite check, client_credentials');
  const gl = await startChildGuestlist({ dataDir: join(work, 'a'), env: guestlistEnv(clientsFile) });
  const admin = await childAdminToken(gl.url);
  const created = await fetch(`${gl.url}/admin/invites`, { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'guest@bench.test' }) });
  const invite = (await created.json()) as { token: string };
  const invitePath = `/api/invites/${invite.token}`;
  const documents = {
    '/.well-known/openid-configuration': await readDocument(`${gl.url}/.well-known/openid-configuration`),
    '/jwks': await readDocument(`${gl.url}/jwks`),
    [invitePath]: await readDocument(`${gl.url}${invitePath}`),
  };
  const documentsFile = join(work, 'documents.json');
  writeFileSync(documentsFile, JSON.stringify(documents));
  const koaPort = await freePort();
  const koa = await startScript('bench/baseline-koa.ts', { PORT: String(koaPort), DOCUMENTS_FILE: documentsFile });
  const koaUrl = `http://127.0.0.1:${koaPort}`;
  try {
    for (const [key, name, path, goal] of [
      ['discovery', 'discovery req/s', '/.well-known/openid-configuration', 0.8],
      ['jwks', 'JWKS req/s', '/jwks', 0.8],
      ['invite', 'invite check req/s', invitePath, 0.5],
    ] as const) {
      if (!wants(key)) continue;
      progress(`${name}: Guestlist, ${SECONDS}s`);
      const ours = await hammer({ url: gl.url + path, seconds: SECONDS });
      progress(`${name}: bare koa, ${SECONDS}s`);
      const base = await hammer({ url: koaUrl + path, seconds: SECONDS });
      ratioFigure(name, 'req/s', ours, base, 'bare koa', goal);
    }
  } finally {
    await stopScript(koa);
  }

  if (!wants('client_credentials')) {
    await gl.stop();
    return;
  }
  const providerPort = await freePort();
  const vanilla = await startScript('bench/baseline-provider.ts', { PORT: String(providerPort), CLIENT_SECRET: CHILD_ADMIN.secret });
  const grant = {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${CHILD_ADMIN.id}:${CHILD_ADMIN.secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=admin',
  };
  try {
    progress(`client_credentials: Guestlist (embedded store), ${SECONDS}s`);
    const ours = await hammer({ url: `${gl.url}/token`, seconds: SECONDS, connections: 16, ...grant });
    progress(`client_credentials: vanilla oidc-provider (in-memory adapter), ${SECONDS}s`);
    const base = await hammer({ url: `http://127.0.0.1:${providerPort}/token`, seconds: SECONDS, connections: 16, ...grant });
    ratioFigure('client_credentials grants/s', 'grants/s', ours, base, 'vanilla oidc-provider, in-memory', 0.9, { cores: CORES });
  } finally {
    await stopScript(vanilla);
    await gl.stop();
  }
}

async function seedInvites(dataDir: string, count: number): Promise<{ email: string; token: string }[]> {
  const store = createEmbeddedStore({ dataDir });
  const now = new Date();
  const seeded = Array.from({ length: count }, (_, i) => ({ email: `member${i}@bench.test`, token: generateInviteToken() }));
  await store.invites.createMany(
    seeded.map((s) => ({
      id: randomUUID(),
      tokenHash: hashInviteToken(s.token),
      email: s.email,
      maxUses: 1,
      expiresAt: new Date(now.getTime() + 7 * 24 * 3600 * 1000),
      createdAt: now,
      createdBy: CHILD_ADMIN.id,
      clientId: null,
      roles: [],
      metadata: {},
      note: null,
    })),
  );
  await store.close();
  return seeded;
}

async function argonFigures(work: string, clientsFile: string): Promise<void> {
  const dataDir = join(work, 'b');
  const maxRegistrations = Math.ceil(SECONDS * 400);
  progress(`seeding ${maxRegistrations} invitations in the embedded store`);
  const seeded = await seedInvites(dataDir, maxRegistrations);
  const loopFile = join(work, 'loop.json');
  const gl: ChildGuestlist = await startChildGuestlist({ dataDir, env: { ...guestlistEnv(clientsFile), BENCH_LOOP_FILE: loopFile }, nodeArgs: ['--import', './bench/loop-monitor.ts'] });
  const loopSnapshot = async (): Promise<{ p50: number; p99: number; max: number }> => {
    rmSync(loopFile, { force: true });
    gl.child.kill('SIGUSR2');
    for (let i = 0; i < 50 && !existsSync(loopFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    return JSON.parse(readFileSync(loopFile, 'utf8'));
  };
  try {
    progress(`registrations: POST /api/register from ${FLOW_CONCURRENCY} workers, ${SECONDS}s`);
    const registered: string[] = [];
    const registrations = await pool(FLOW_CONCURRENCY, SECONDS, seeded.length, async (i) => {
      const { email, token } = seeded[i]!;
      const response = await fetch(`${gl.url}/api/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, invite_token: token }) });
      if (response.status !== 201) throw new Error(`register answered ${response.status} ${await response.text()}`);
      await response.arrayBuffer().catch(() => undefined);
      registered.push(email);
    });
    if (registrations.errors.length) progress(`registration errors: ${registrations.errors.join(' | ')}`);
    if (wants('registrations')) {
      progress(`raw argon2id hashes (same parameters, ${FLOW_CONCURRENCY} in flight), ${SECONDS}s`);
      const hashes = await pool(FLOW_CONCURRENCY, SECONDS, Number.MAX_SAFE_INTEGER, async () => {
        await hash(PASSWORD, ARGON2_OPTIONS);
      });
      ratioFigure('registrations/s', '/s', registrations, hashes, 'raw argon2id hashes', 0.8, { argon2: ARGON2_OPTIONS });
    }
    if (!wants('sign-in')) return;

    progress(`sign-in flows (authorize → form → code → token) from ${FLOW_CONCURRENCY} workers, ${SECONDS}s`);
    await loopSnapshot();
    const signIns = await pool(FLOW_CONCURRENCY, SECONDS, 100_000, (i) => signInOnce(gl.url, registered[i % registered.length]!, PASSWORD));
    const loop = await loopSnapshot();
    if (signIns.errors.length) progress(`sign-in errors: ${signIns.errors.join(' | ')}`);
    const reference = await hash(PASSWORD, ARGON2_OPTIONS);
    progress(`raw argon2id verifies, ${SECONDS}s`);
    const verifies = await pool(FLOW_CONCURRENCY, SECONDS, Number.MAX_SAFE_INTEGER, async () => {
      if (!(await verify(reference, PASSWORD))) throw new Error('verify failed');
    });
    ratioFigure('full sign-in flows/s', '/s', signIns, verifies, 'raw argon2id verifies', 0.75);
    const perCore = signIns.perSecond / CORES;
    figures.push({ figure: 'sign-in flows/s per core', guestlist: `${fmt(perCore, 1)} /s/core`, baseline: '15 /s/core (Keycloak sizing budget)', ratio: perCore / 15, goal: '≥ 30 /s/core', met: perCore >= 30, raw: { cores: CORES } });
    figures.push({ figure: 'event-loop delay p99 during sign-ins', guestlist: `${fmt(loop.p99, 1)} ms (p50 ${fmt(loop.p50, 1)}, max ${fmt(loop.max, 1)})`, baseline: '—', ratio: null, goal: '< 20 ms', met: loop.p99 < 20, raw: loop });
    progress(`event-loop delay during sign-ins: p99 ${loop.p99} ms`);
  } finally {
    await gl.stop();
  }
  if (!wants('sign-in')) return;
  const footprint = sessionFootprint(dataDir);
  figures.push({ figure: 'store bytes per active session + tokens', guestlist: `${fmt(footprint.perSession)} B`, baseline: '—', ratio: null, goal: '≤ 2,048 B', met: footprint.perSession <= 2048, raw: footprint });
  progress(`store footprint: ${footprint.bytes} B for ${footprint.sessions} sessions ${JSON.stringify(footprint.rows)} ${JSON.stringify(footprint.byName)}`);
}

async function auditFigure(work: string): Promise<void> {
  const dataDir = join(work, 'c');
  mkdirSync(dataDir, { recursive: true });
  progress(`audit: seeding ${fmt(AUDIT_EVENTS)} events`);
  await seedAuditEvents(dataDir, AUDIT_EVENTS, progress);
  progress('audit: timing 600 filtered queries (limit 50, half of them with a second page)');
  const timing = await timeAuditQueries(dataDir, 600);
  figures.push({ figure: `audit query with a filter, p95, ${fmt(AUDIT_EVENTS)} events`, guestlist: `${fmt(timing.p95, 2)} ms (p50 ${fmt(timing.p50, 2)}, max ${fmt(timing.max, 1)})`, baseline: '—', ratio: null, goal: '< 20 ms', met: timing.p95 < 20, raw: timing });
}

async function mfaFigures(work: string, clientsFile: string): Promise<void> {
  if (wants('passkey-sign-in')) {
    const { passkey, password } = await passkeyFlowRates({ work, clientsFile, env: guestlistEnv(clientsFile), seconds: SECONDS, concurrency: FLOW_CONCURRENCY, password: PASSWORD, progress });
    // A passkey sign-in replaces argon2id with one ECDSA verification, and adds two JSON calls.
    ratioFigure('passkey sign-in flows/s', '/s', passkey, password, 'password sign-in flows, same server', 1);
  }
  if (wants('totp')) {
    const { service, raw } = await totpRates({ work, seconds: SECONDS, progress });
    figures.push({
      figure: 'TOTP verifications/s',
      guestlist: `${fmt(service.perSecond)} /s`,
      baseline: `${fmt(raw.perSecond)} /s (bare RFC 6238 checks, no store)`,
      ratio: service.perSecond / raw.perSecond,
      // Far above any sign-in rate: the second factor is never what a sign-in waits on.
      goal: '≥ 1,000 /s',
      met: service.perSecond >= 1000 && service.failed === 0,
      raw: { service, raw },
    });
    progress(`TOTP verifications: ${fmt(service.perSecond)}/s vs ${fmt(raw.perSecond)}/s bare (failures: ${service.failed})`);
  }
}

function table(): string {
  const rows = [['figure', 'Guestlist', 'baseline (same run)', 'ratio', 'goal', 'met'], ...figures.map((f) => [f.figure, f.guestlist, f.baseline, f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`, f.goal, f.met ? 'yes' : 'NO'])];
  return rows.map((row, i) => `| ${row.join(' | ')} |${i === 0 ? `\n|${row.map(() => '---').join('|')}|` : ''}`).join('\n');
}

const work = mkdtempSync(join(tmpdir(), 'guestlist-bench-'));
try {
  const clientsFile = join(work, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify([BENCH_CLIENT_METADATA]));
  if (['discovery', 'jwks', 'invite', 'client_credentials'].some(wants)) await cheapEndpoints(work, clientsFile);
  if (['registrations', 'sign-in'].some(wants)) await argonFigures(work, clientsFile);
  if (wants('resets')) {
    const { resets, hashes } = await resetFigure({ work, env: guestlistEnv(clientsFile), seconds: SECONDS, concurrency: FLOW_CONCURRENCY, progress });
    ratioFigure('password resets completed/s', '/s', resets, hashes, 'raw argon2id hashes', 0.8, { argon2: ARGON2_OPTIONS });
  }
  if (wants('audit')) await auditFigure(work);
  if (['passkey-sign-in', 'totp'].some(wants)) await mfaFigures(work, clientsFile);
  const machine = { cores: CORES, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
  const output = table();
  process.stdout.write(`\nMachine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node} (${machine.platform}); ${SECONDS}s per measurement\n\n${output}\n`);
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, seconds: SECONDS, figures }, null, 2));
  progress(`results written to ${file} (total ${((Date.now() - began) / 1000).toFixed(0)}s)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
