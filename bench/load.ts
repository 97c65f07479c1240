// Load generators: autocannon for cheap endpoints, a bounded worker pool for multi-step flows.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../test/support/child-guestlist.ts';

export interface Rate {
  perSecond: number;
  ok: number;
  failed: number;
  p99Ms?: number;
}

export async function hammer(options: { url: string; seconds: number; connections?: number; method?: string; headers?: Record<string, string>; body?: string }): Promise<Rate> {
  // A short warm-up first, so JIT and caches are equally warm on both sides of a ratio.
  // autocannon refuses an explicit undefined method, so only set what was given.
  const request = { url: options.url, connections: options.connections ?? 32, method: options.method ?? 'GET', ...(options.headers ? { headers: options.headers } : {}), ...(options.body ? { body: options.body } : {}) };
  await autocannon({ ...request, duration: 1 });
  const result = await autocannon({ ...request, duration: options.seconds });
  const failed = result.non2xx + result.errors + result.timeouts;
  return { perSecond: result.requests.total / result.duration, ok: result.requests.total - result.non2xx, failed, p99Ms: result.latency.p99 };
}

/** Runs `work` from `concurrency` workers until `seconds` pass or `maxCount` attempts are made. */
export async function pool(concurrency: number, seconds: number, maxCount: number, work: (index: number) => Promise<void>): Promise<Rate & { errors: string[] }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  let ok = 0;
  let failed = 0;
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && next < maxCount) {
        const index = next++;
        try {
          await work(index);
          ok++;
        } catch (error) {
          failed++;
          // A few messages are enough to see why; the count says how often.
          if (errors.length < 5) errors.push((error as Error).message);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: ok / elapsed, ok, failed, errors };
}

/** Starts a baseline server script from bench/ as its own process and waits for "listening". */
export async function startScript(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

export async function stopScript(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}
