// The thread pool (argon2id's threads) is lowered below the event loop on Linux (where this suite
// runs); the main thread keeps its priority.
import { readdirSync, readFileSync } from 'node:fs';
import { lowerThreadPoolPriority } from '../../src/accounts/hashing-priority.ts';

function threads(): { tid: string; name: string; nice: number }[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // After "(comm) " the fields start at stat(5)'s third (state); nice is the nineteenth.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid, name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) };
  });
}

test('every libuv pool thread ends at nice 19 and the main thread is untouched', async () => {
  const main = () => threads().find((thread) => thread.tid === String(process.pid))!.nice;
  const mainBefore = main();
  const lowered = await lowerThreadPoolPriority();
  const pool = threads().filter((thread) => thread.name === 'libuv-worker');
  expect(pool.length).toBeGreaterThan(0);
  expect(lowered).toBe(pool.length);
  expect(pool.map((thread) => thread.nice)).toEqual(pool.map(() => 19));
  expect(main()).toBe(mainBefore);
});
