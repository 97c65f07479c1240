// Opaque pagination cursors: the position (an insertion sequence) wrapped so callers don't build them.

export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

/** Returns the sequence a cursor points after, or null for a cursor that was not ours. */
export function decodeCursor(cursor: string): number | null {
  const match = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

/** The sequence to page below, or undefined for the first page; throws on a forged cursor. */
export function seqBefore(cursor: string | null | undefined): number | undefined {
  if (!cursor) return undefined;
  const seq = decodeCursor(cursor);
  if (seq === null) throw new InvalidCursorError();
  return seq;
}

/** A cursor after the item with this id, for lists newest first by an id that grows (an ObjectId). */
export function encodeIdCursor(id: string): string {
  return Buffer.from(`i:${id}`).toString('base64url');
}

/** The id to page below, or undefined for the first page; throws on a forged cursor. */
export function idBefore(cursor: string | null | undefined, shape: RegExp): string | undefined {
  if (!cursor) return undefined;
  const match = /^i:(.{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !shape.test(match[1]!)) throw new InvalidCursorError();
  return match[1]!;
}

/**
 * A place in a newest-first order by time: the last item's `at` and a tie-break the store picks
 * (SQLite's rowid, MongoDB's ObjectId), for lists whose order is (at, tie-break) descending.
 */
export interface TimePosition {
  at: Date;
  tiebreak: string;
}

export function encodeTimeCursor(at: Date, tiebreak: string): string {
  return Buffer.from(`t:${at.getTime()}:${tiebreak}`).toString('base64url');
}

/** The position to page below, or undefined for the first page; throws on a forged cursor. */
export function timeBefore(cursor: string | null | undefined, tiebreak: RegExp): TimePosition | undefined {
  if (!cursor) return undefined;
  const match = /^t:(\d{1,15}):(.{1,40})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !tiebreak.test(match[2]!)) throw new InvalidCursorError();
  return { at: new Date(Number(match[1])), tiebreak: match[2]! };
}
