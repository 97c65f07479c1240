// Opens the embedded SQLite database (node:sqlite) and brings its schema up to date.
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS invites (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  email TEXT,
  uses INTEGER NOT NULL DEFAULT 0,
  max_uses INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  client_id TEXT,
  roles TEXT NOT NULL,
  metadata TEXT NOT NULL,
  note TEXT,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS invites_email ON invites (email, seq);
CREATE INDEX IF NOT EXISTS invites_created_by ON invites (created_by, seq);
-- Covering: the overview counts expiries per day from the index alone.
CREATE INDEX IF NOT EXISTS invites_expiry_state ON invites (expires_at, revoked_at, uses, max_uses);

CREATE TABLE IF NOT EXISTS redemptions (
  invite_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  email TEXT NOT NULL,
  at INTEGER NOT NULL,
  ip TEXT
);
CREATE INDEX IF NOT EXISTS redemptions_invite ON redemptions (invite_id);

CREATE TABLE IF NOT EXISTS accounts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  email_verified INTEGER NOT NULL,
  password_hash TEXT NOT NULL,
  phone_number TEXT,
  phone_number_verified INTEGER NOT NULL,
  roles TEXT NOT NULL,
  invite_id TEXT,
  invited_by TEXT,
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  invite_quota INTEGER
);
CREATE INDEX IF NOT EXISTS accounts_invite ON accounts (invite_id, seq);
CREATE INDEX IF NOT EXISTS accounts_invited_by ON accounts (invited_by, seq);

CREATE TABLE IF NOT EXISTS audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  invite_id TEXT,
  account_id TEXT,
  ip TEXT,
  user_agent TEXT,
  request_id TEXT,
  reason TEXT,
  data TEXT
);

CREATE TABLE IF NOT EXISTS rate_limits (
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  reset_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  last_error TEXT,
  lease_token TEXT,
  failed_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (queue, state, run_at);

CREATE TABLE IF NOT EXISTS verifications (
  id TEXT PRIMARY KEY,
  registration TEXT NOT NULL,
  email_code_hash TEXT,
  phone_code_hash TEXT,
  attempts INTEGER NOT NULL,
  sends INTEGER NOT NULL,
  last_sent_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS oidc_payloads (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  expires_at INTEGER,
  uid TEXT,
  user_code TEXT,
  grant_id TEXT,
  account_id TEXT,
  consumed_at INTEGER,
  PRIMARY KEY (model, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS oidc_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_account ON oidc_payloads (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_expiry ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS console_sessions (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  account_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS console_sessions_account ON console_sessions (account_id);

CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Columns added since the first release: a database made before them gets them at open. */
const ADDED_COLUMNS: [table: string, column: string, declaration: string][] = [
  ['jobs', 'lease_token', 'TEXT'],
  ['jobs', 'failed_at', 'INTEGER'],
];

/** Indexes over added columns (created once those columns exist), and those that replaced older ones. */
const LATER_INDEXES = `
DROP INDEX IF EXISTS audit_type;
DROP INDEX IF EXISTS audit_invite;
DROP INDEX IF EXISTS audit_account;
DROP INDEX IF EXISTS audit_actor;
DROP INDEX IF EXISTS audit_ip;
DROP INDEX IF EXISTS audit_at;
CREATE INDEX IF NOT EXISTS audit_newest ON audit_events (at, seq);
CREATE INDEX IF NOT EXISTS audit_type_at ON audit_events (type, at, seq);
CREATE INDEX IF NOT EXISTS audit_invite_at ON audit_events (invite_id, at, seq);
CREATE INDEX IF NOT EXISTS audit_account_at ON audit_events (account_id, at, seq);
CREATE INDEX IF NOT EXISTS audit_actor_at ON audit_events (actor, at, seq);
CREATE INDEX IF NOT EXISTS audit_ip_at ON audit_events (ip, at, seq);
CREATE INDEX IF NOT EXISTS jobs_failed ON jobs (failed_at) WHERE failed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS redemptions_at ON redemptions (at);
`;

function addMissingColumns(db: DatabaseSync): void {
  // Check and add under the write lock: two processes opening an old file together add each once.
  transaction(db, () => {
    for (const [table, column, declaration] of ADDED_COLUMNS) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${declaration}`);
    }
  });
}

/** `path` is a file, or ':memory:' for tests that need no persistence. */
export function openDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // WAL keeps readers off the writer's back; a killed process loses nothing committed, and
  // synchronous=NORMAL only risks the last transactions on power loss, never corruption.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  // Several processes may share the file (a second instance, a CLI): wait for the lock, don't fail.
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(SCHEMA);
  addMissingColumns(db);
  db.exec(LATER_INDEXES);
  return db;
}

/**
 * Runs `work` inside one IMMEDIATE transaction. It is synchronous on purpose: no other
 * JavaScript runs between BEGIN and COMMIT, so the unit is atomic within the process too.
 */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

export type Row = Record<string, unknown>;

export const toMs = (date: Date | null): number | null => (date ? date.getTime() : null);
export const fromMs = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(Number(value)));
export const json = (value: unknown): string => JSON.stringify(value);
export const parseJson = <T>(value: unknown): T => JSON.parse(String(value)) as T;

const DAY_MS = 86_400_000;
/** A UTC day number (ms / one day, floored in SQL) as YYYY-MM-DD. */
export const dayOf = (dayNumber: unknown): string => new Date(Number(dayNumber) * DAY_MS).toISOString().slice(0, 10);
