// The one error a store throws when it cannot be reached or written (disk full, read-only file,
// lost connection): answered 503 service_unavailable, never a 500, because the request was fine.

export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** SQLite result codes that mean "the storage failed", not "the query was wrong". */
const SQLITE_UNAVAILABLE = /SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB)|disk I\/O error|database is locked|database or disk is full|attempt to write a readonly database|unable to open database/i;

/** True for errors that say the store is out of reach rather than that our query was wrong. */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const { name, code, message, errstr } = (error ?? {}) as { name?: string; code?: string; message?: string; errstr?: string };
  if (name === 'MongoNetworkError' || name === 'MongoServerSelectionError' || name === 'MongoNotConnectedError' || name === 'MongoNetworkTimeoutError') return true;
  return code === 'ERR_SQLITE_ERROR' && SQLITE_UNAVAILABLE.test(`${errstr ?? ''} ${message ?? ''}`);
}
