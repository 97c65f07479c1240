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
