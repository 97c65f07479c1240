// Recognises MongoDB's duplicate-key error (11000), optionally on one indexed field.
export function isDuplicateKey(error: unknown, field?: string): boolean {
  const e = error as { code?: unknown; keyPattern?: Record<string, unknown>; message?: unknown } | null;
  if (e?.code !== 11000) return false;
  if (!field) return true;
  if (e.keyPattern) return field in e.keyPattern;
  return typeof e.message === 'string' && e.message.includes(`${field}_`);
}
