// Bulk invitations: turns a JSON list or a CSV sheet into numbered rows, each checked on its own,
// so one bad row is reported with its number and never stops the good ones.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { createInviteBody, toCreateInviteInput } from './invite-schemas.ts';
import type { CreateInviteInput } from '../invites/invite-service.ts';

export const BULK_MAX_ROWS = 1000;
export const CSV_COLUMNS = ['email', 'expires_in_days', 'max_uses', 'roles', 'note'] as const;

export type BulkRow =
  | { row: number; ok: true; input: CreateInviteInput }
  | { row: number; ok: false; details: Array<{ path: string; message: string }> };

/** The JSON form: `{invites: [...]}`, each item the body of POST /admin/invites. */
export const bulkInviteBody = z.object({
  invites: z.array(z.unknown(), { error: 'must be a list of invites' }).min(1, 'must hold at least one invite'),
});

function tooMany(count: number, path: string) {
  return badRequest([{ path, message: `must hold at most ${BULK_MAX_ROWS} rows (got ${count})` }], t('bulk_too_many_rows'));
}

function checkRow(row: number, item: unknown): BulkRow {
  const result = createInviteBody.safeParse(item);
  if (result.success) return { row, ok: true, input: toCreateInviteInput(result.data) };
  return { row, ok: false, details: result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(row)', message: issue.message })) };
}

export function rowsFromJson(body: unknown): BulkRow[] {
  const result = z.object({ invites: z.array(z.unknown()) }).safeParse(body);
  // Counted before the per-item check, so an oversized list is refused as a whole.
  if (result.success && result.data.invites.length > BULK_MAX_ROWS) throw tooMany(result.data.invites.length, 'invites');
  const parsed = bulkInviteBody.safeParse(body);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })));
  }
  return parsed.data.invites.map((item, index) => checkRow(index + 1, item));
}

/** A CSV cell as the JSON field it stands for: blank is absent, numbers are numbers. */
function cellsToItem(record: Record<string, string | undefined>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  const present = (name: string) => record[name] !== undefined && record[name] !== '';
  if (present('email')) item.email = record.email;
  for (const name of ['expires_in_days', 'max_uses'] as const) {
    if (!present(name)) continue;
    const value = record[name]!;
    // Not a number: left as text so the schema answers "must be a number" for this row.
    item[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  if (present('roles')) {
    item.roles = record
      .roles!.split(/[;|]/)
      .map((role) => role.trim())
      .filter(Boolean);
  }
  if (present('note')) item.note = record.note;
  return item;
}

export function rowsFromCsv(text: unknown): BulkRow[] {
  if (typeof text !== 'string' || !text.trim()) throw badRequest([{ path: 'csv', message: 'must have a header row and at least one row' }]);
  let header: string[] = [];
  let parsed: Array<{ record: Record<string, string>; info: { error?: Error & { record?: unknown[] } } }>;
  try {
    parsed = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      // Short rows leave the last columns blank; long rows are reported on their own below.
      relax_column_count: true,
      info: true,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim().toLowerCase());
        const unknown = header.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
        if (unknown.length || new Set(header).size !== header.length) {
          throw badRequest([{ path: 'csv.header', message: `columns must be among ${CSV_COLUMNS.join(', ')}, each once (got ${names.join(', ')})` }]);
        }
        return header;
      },
    }) as typeof parsed;
  } catch (error) {
    if ((error as { status?: number }).status === 400) throw error;
    // A broken quote spoils every row after it, so the sheet is refused as a whole.
    throw badRequest([{ path: 'csv', message: (error as Error).message }]);
  }
  if (!parsed.length) throw badRequest([{ path: 'csv', message: 'must have a header row and at least one row' }]);
  if (parsed.length > BULK_MAX_ROWS) throw tooMany(parsed.length, 'csv');
  return parsed.map(({ record, info }, index) => {
    const row = index + 1;
    const cells = info.error?.record?.length ?? 0;
    if (cells > header.length) return { row, ok: false, details: [{ path: '(row)', message: `has ${cells} cells but the header has ${header.length} columns` }] };
    return checkRow(row, cellsToItem(record));
  });
}
