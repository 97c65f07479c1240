// Puts libuv's thread pool (where argon2id hashes and verifies run) below the event loop in the
// CPU scheduler, so a burst of sign-ins cannot starve the thread that answers every request.
import { access, readdir, readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';

/**
 * Nice 19: the pool threads only get CPU the event loop is not using. Measured on 2 cores with
 * sign-ins saturating the CPU: event-loop delay p99 34-74 ms at nice 0, 12-14 ms at nice 19, with
 * the same sign-in and registration throughput (a semaphore of one or two hashes at a time got the
 * delay down as well, but cost 20-30% of the throughput; hashing still uses every idle cycle here).
 */
const POOL_NICENESS = 19;

/**
 * Linux only: there a thread is a task in /proc/self/task with its own nice value, and libuv names
 * its pool threads "libuv-worker". Elsewhere (or if none is found) nothing changes. Lowering one's
 * own priority needs no privilege. Returns how many threads were lowered.
 */
export async function lowerThreadPoolPriority(): Promise<number> {
  if (process.platform !== 'linux') return 0;
  // An fs call goes through the pool, so its threads exist (libuv starts them all at first use).
  await access('/proc/self/task');
  let lowered = 0;
  for (const tid of await readdir('/proc/self/task')) {
    const name = await readFile(`/proc/self/task/${tid}/comm`, 'utf8').catch(() => '');
    if (name.trim() !== 'libuv-worker') continue;
    try {
      setPriority(Number(tid), POOL_NICENESS);
      lowered++;
    } catch {
      // A thread that just ended, or a platform that refuses: it keeps the default priority.
    }
  }
  return lowered;
}
