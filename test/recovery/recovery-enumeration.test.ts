// No enumeration: asking for a recovery code answers the same status, headers and body for an unknown
// address, a disabled account, an address that only has a pending invitation and a real account; the
// request does the very same store work for all four (proven by tracing it), and its timing is
// compared as distributions with generous bounds. Only the background step, later, tells them apart.
import { adminToken, createInvite, postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { deliverRecoveryMail, recoveryCodesTo, registerAccount } from './support.ts';
import { DAY } from '../support/test-clock.ts';

let gl: RunningGuestlist;
let smtp: TestSmtpServer;
const KINDS = { unknown: 'nobody@example.com', disabled: 'gone@example.com', pending: 'invited@example.com', real: 'real@example.com' } as const;
type Kind = keyof typeof KINDS;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // Generous limits: this file asks many times from one address, which is not what it tests.
  gl = await startGuestlist({ env: { SMTP_URL: smtp.url, RATE_LIMIT_RECOVERY_REQUESTS: '1000', RATE_LIMIT_RECOVERY_PER_EMAIL: '1000', RATE_LIMIT_RECOVERY_PER_EMAIL_DAILY: '1000' }, extraDeps: { startWorkers: false } });
  await registerAccount(gl, KINDS.real, 'the real password');
  const gone = await registerAccount(gl, KINDS.disabled, 'the gone password');
  await postJson(`${gl.url}/admin/users/${gone}/disable`, {}, await adminToken(gl));
  await createInvite(gl, { email: KINDS.pending, send_email: false });
  await gl.guestlist.services.mail.drain();
});
afterAll(async () => {
  await gl.stop();
  await smtp.close();
});

/** Records every store call (port.method) while `work` runs. */
async function traceStore<T>(work: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = [];
  const restore: Array<() => void> = [];
  for (const [portName, port] of Object.entries(gl.store)) {
    if (!port || typeof port !== 'object') continue;
    for (const [method, fn] of Object.entries(port as Record<string, unknown>)) {
      if (typeof fn !== 'function') continue;
      const target = port as Record<string, unknown>;
      target[method] = function traced(this: unknown, ...args: unknown[]) {
        calls.push(`${portName}.${method}`);
        return (fn as (...a: unknown[]) => unknown).apply(this, args);
      };
      restore.push(() => (target[method] = fn));
    }
  }
  try {
    return { result: await work(), calls };
  } finally {
    for (const undo of restore) undo();
  }
}

async function ask(email: string) {
  const started = process.hrtime.bigint();
  const response = await fetch(`${gl.url}/api/recovery`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ email }) });
  const body = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const headers = Object.fromEntries([...response.headers.entries()].filter(([name]) => !['date', 'x-request-id'].includes(name)));
  return { status: response.status, headers, body: JSON.parse(body) as Record<string, unknown>, ms };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('the same status, headers and body for each of the four kinds of address', async () => {
  const answers = {} as Record<Kind, Awaited<ReturnType<typeof ask>>>;
  for (const kind of Object.keys(KINDS) as Kind[]) answers[kind] = await ask(KINDS[kind]);
  const shape = (answer: Awaited<ReturnType<typeof ask>>) => ({ status: answer.status, headers: answer.headers, body: { ...answer.body, recovery_id: typeof answer.body.recovery_id } });
  expect(shape(answers.unknown)).toEqual(shape(answers.real));
  expect(shape(answers.disabled)).toEqual(shape(answers.real));
  expect(shape(answers.pending)).toEqual(shape(answers.real));
  expect(answers.real.status).toBe(202);
  expect(answers.real.body).toEqual({ status: 'code_sent', recovery_id: expect.stringMatching(/^[0-9a-f-]{36}$/), expires_in: 900 });
});

test('the request does the same store work for every kind, and never looks the address up', async () => {
  const traces = {} as Record<Kind, string[]>;
  for (const kind of Object.keys(KINDS) as Kind[]) traces[kind] = (await traceStore(() => ask(KINDS[kind]))).calls;
  expect(traces.real.length).toBeGreaterThan(3);
  expect(traces.unknown).toEqual(traces.real);
  expect(traces.disabled).toEqual(traces.real);
  expect(traces.pending).toEqual(traces.real);
  expect(traces.real.filter((call) => call.startsWith('accounts.') || call.startsWith('invites.'))).toEqual([]);
  expect(traces.real).toEqual(expect.arrayContaining(['accountCodes.create', 'jobs.enqueue']));
  // Later, in the background, only the real account is mailed a code.
  await deliverRecoveryMail(gl);
  expect(recoveryCodesTo(smtp, KINDS.real).length).toBeGreaterThan(0);
  for (const kind of ['unknown', 'disabled', 'pending'] as const) expect(smtp.received.filter((mail) => mail.to.includes(KINDS[kind]))).toEqual([]);
});

test('timing: the four distributions agree within generous bounds', async () => {
  gl.clock.advance(DAY);
  const times: Record<Kind, number[]> = { unknown: [], disabled: [], pending: [], real: [] };
  // Warm up, then interleave the kinds round by round so drift on the machine hits all alike.
  for (const kind of Object.keys(KINDS) as Kind[]) await ask(KINDS[kind]);
  for (let round = 0; round < 15; round++) {
    for (const kind of Object.keys(KINDS) as Kind[]) times[kind].push((await ask(KINDS[kind])).ms);
  }
  const reference = median(times.real);
  for (const kind of ['unknown', 'disabled', 'pending'] as const) {
    // Within the larger of 15 ms and the reference itself: a real difference (a hash, an SMTP
    // round trip, a lookup and a mail rendered only for real accounts) would show far beyond noise.
    expect([kind, Math.abs(median(times[kind]) - reference) <= Math.max(15, reference)]).toEqual([kind, true]);
  }
});
