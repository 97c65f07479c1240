// A durable job queue in SQLite (mail, webhooks): leased claims so a dead worker's job runs again.
import type { DatabaseSync } from 'node:sqlite';
import { randomUUID } from 'node:crypto';
import type { Job, JobState, JobStore, JobSummary } from '../ports.ts';
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
  return { ...rowToJob(row), state: String(row.state) as JobState, seq: Number(row.seq) };
}

export function createEmbeddedJobStore(db: DatabaseSync): JobStore {
  const insert = db.prepare(`INSERT INTO jobs (id, queue, payload, run_at, state) VALUES (?, ?, ?, ?, 'waiting') RETURNING *`);
  // A leased job's run_at is its lease's end: past it, the job is due again.
  const claim = db.prepare(`UPDATE jobs SET state = 'leased', attempts = attempts + 1, run_at = ?
    WHERE seq = (SELECT seq FROM jobs WHERE queue = ? AND state IN ('waiting', 'leased') AND run_at <= ? ORDER BY run_at, seq LIMIT 1)
    RETURNING *`);
  const complete = db.prepare(`DELETE FROM jobs WHERE id = ?`);
  const retry = db.prepare(`UPDATE jobs SET state = 'waiting', run_at = ?, last_error = ? WHERE id = ?`);
  const fail = db.prepare(`UPDATE jobs SET state = 'failed', last_error = ? WHERE id = ?`);
  const pending = db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE queue = ? AND state IN ('waiting', 'leased')`);
  const failing = db.prepare(`SELECT SUM(state = 'failed') AS failed, SUM(state = 'waiting' AND last_error IS NOT NULL) AS retrying
    FROM jobs WHERE queue = ? AND (state = 'failed' OR last_error IS NOT NULL)`);
  const redeliver = db.prepare(`UPDATE jobs SET state = 'waiting', attempts = 0, run_at = ? WHERE id = ? AND state = 'failed' RETURNING *`);

  return {
    async enqueue(queue, payload, runAt) {
      return rowToJob(insert.get(randomUUID(), queue, json(payload), runAt.getTime()) as Row);
    },
    async enqueueMany(queue, payloads, runAt) {
      transaction(db, () => {
        for (const payload of payloads) insert.run(randomUUID(), queue, json(payload), runAt.getTime());
      });
    },
    async claimNext(queue, now, leaseMs) {
      const row = claim.get(now.getTime() + leaseMs, queue, now.getTime()) as Row | undefined;
      return row ? rowToJob(row) : null;
    },
    async complete(id) {
      complete.run(id);
    },
    async retry(id, runAt, error) {
      retry.run(runAt.getTime(), error, id);
    },
    async fail(id, error) {
      fail.run(error, id);
    },
    async countPending(queue) {
      return Number((pending.get(queue) as Row).n);
    },
    async list(filter, page) {
      const state: Condition =
        filter.state === 'retrying' ? ["state = 'waiting' AND last_error IS NOT NULL"] : filter.state ? ['state = ?', filter.state] : undefined;
      return newestFirstPage(db, 'jobs', [filter.queue ? ['queue = ?', filter.queue] : undefined, state], page, rowToSummary);
    },
    async countFailing(queue) {
      const row = failing.get(queue) as Row;
      return { failed: Number(row.failed ?? 0), retrying: Number(row.retrying ?? 0) };
    },
    async redeliver(id, runAt) {
      const row = redeliver.get(runAt.getTime(), id) as Row | undefined;
      return row ? rowToSummary(row) : null;
    },
  };
}
