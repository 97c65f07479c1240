// A durable job queue in SQLite (mail, webhooks): fenced leases, so a dead worker's job runs again
// and a worker that outlived its lease can no longer complete, retry or fail the job.
import type { DatabaseSync } from 'node:sqlite';
import { randomUUID } from 'node:crypto';
import type { ClaimedJob, Job, JobStore } from '../ports.ts';
import { fromMs, json, parseJson, transaction, type Row } from './database.ts';

function rowToJob(row: Row): Job {
  return {
    id: String(row.id),
    queue: String(row.queue),
    payload: parseJson<Record<string, unknown>>(row.payload),
    attempts: Number(row.attempts),
    runAt: fromMs(row.run_at)!,
    lastError: (row.last_error as string | null) ?? null,
  };
}

/**
 * `clock` is the store's clock: every process sharing the file runs on this machine, so they
 * all read the same time.
 */
export function createEmbeddedJobStore(db: DatabaseSync, clock: () => Date): JobStore {
  const insert = db.prepare(`INSERT INTO jobs (id, queue, payload, run_at, state) VALUES (?, ?, ?, ?, 'waiting') RETURNING *`);
  // A leased job's run_at is its lease's end: past it, the job is due again, under a new token.
  const claim = db.prepare(`UPDATE jobs SET state = 'leased', attempts = attempts + 1, run_at = ?, lease_token = ?
    WHERE seq = (SELECT seq FROM jobs WHERE queue = ? AND state IN ('waiting', 'leased') AND run_at <= ? ORDER BY run_at, seq LIMIT 1)
    RETURNING *`);
  // Fenced: only the holder of the current lease may finish the job.
  const HELD = `id = ? AND state = 'leased' AND lease_token = ?`;
  const complete = db.prepare(`DELETE FROM jobs WHERE ${HELD}`);
  const retry = db.prepare(`UPDATE jobs SET state = 'waiting', run_at = ?, last_error = ?, lease_token = NULL WHERE ${HELD}`);
  const fail = db.prepare(`UPDATE jobs SET state = 'failed', last_error = ?, failed_at = ?, lease_token = NULL WHERE ${HELD}`);
  const pending = db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE queue = ? AND state IN ('waiting', 'leased')`);
  const purgeFailed = db.prepare(`DELETE FROM jobs WHERE failed_at IS NOT NULL AND failed_at < ?`);

  return {
    async enqueue(queue, payload, runAt) {
      return rowToJob(insert.get(randomUUID(), queue, json(payload), runAt.getTime()) as Row);
    },
    async enqueueMany(queue, payloads, runAt) {
      transaction(db, () => {
        for (const payload of payloads) insert.run(randomUUID(), queue, json(payload), runAt.getTime());
      });
    },
    async claimNext(queue, leaseMs): Promise<ClaimedJob | null> {
      const now = clock().getTime();
      const lease = randomUUID();
      const row = claim.get(now + leaseMs, lease, queue, now) as Row | undefined;
      return row ? { ...rowToJob(row), lease } : null;
    },
    async complete({ id, lease }) {
      return Number(complete.run(id, lease).changes) > 0;
    },
    async retry({ id, lease }, delayMs, error) {
      return Number(retry.run(clock().getTime() + delayMs, error, id, lease).changes) > 0;
    },
    async fail({ id, lease }, error) {
      return Number(fail.run(error, clock().getTime(), id, lease).changes) > 0;
    },
    async countPending(queue) {
      return Number((pending.get(queue) as Row).n);
    },
    async purgeFailedBefore(before) {
      return Number(purgeFailed.run(before.getTime()).changes);
    },
  };
}
