// A durable job queue in SQLite (mail, webhooks): fenced leases, so a dead worker's job runs again
// and a worker that outlived its lease can no longer complete, retry or fail the job.
import type { DatabaseSync } from 'node:sqlite';
import { randomUUID } from 'node:crypto';
import type { ClaimedJob, Job, JobState, JobStore, JobSummary } from '../ports.ts';
import { newestFirstPage, type Condition } from './newest-first-page.ts';
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

function rowToSummary(row: Row): JobSummary {
  return { ...rowToJob(row), state: String(row.state) as JobState };
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
  const failing = db.prepare(`SELECT SUM(state = 'failed') AS failed, SUM(state = 'waiting' AND last_error IS NOT NULL) AS retrying
    FROM jobs WHERE queue = ? AND (state = 'failed' OR last_error IS NOT NULL)`);
  const redeliver = db.prepare(`UPDATE jobs SET state = 'waiting', attempts = 0, run_at = ?, failed_at = NULL, lease_token = NULL
    WHERE id = ? AND state = 'failed' RETURNING *`);

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
    async list(filter, page) {
      const state: Condition =
        filter.state === 'retrying' ? ["state = 'waiting' AND last_error IS NOT NULL"] : filter.state ? ['state = ?', filter.state] : undefined;
      // Paged by the insertion sequence, which the summaries themselves leave out.
      const result = newestFirstPage(db, 'jobs', [filter.queue ? ['queue = ?', filter.queue] : undefined, state], page, (row) => ({ summary: rowToSummary(row), seq: Number(row.seq) }));
      return { items: result.items.map((item) => item.summary), nextCursor: result.nextCursor };
    },
    async countFailing(queue) {
      const row = failing.get(queue) as Row;
      return { failed: Number(row.failed ?? 0), retrying: Number(row.retrying ?? 0) };
    },
    async redeliver(id) {
      const row = redeliver.get(clock().getTime(), id) as Row | undefined;
      return row ? rowToSummary(row) : null;
    },
  };
}
