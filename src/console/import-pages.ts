// Bulk import from a CSV sheet: upload (or paste), a dry-run preview with an error beside each bad
// row, then create; the per-row results, links included, download as CSV. The sheet travels back
// in the preview's form, so nothing waits on the server between the two steps.
import { readFile, rm } from 'node:fs/promises';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { CSV_COLUMNS, rowsFromCsv, type BulkRow } from '../admin/bulk-invite-input.ts';
import type { OverviewStats } from '../audit/overview-stats.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import type { InviteService } from '../invites/invite-service.ts';
import { allow, consoleMeta, inviteActor } from './console-context.ts';
import type { ConsolePages } from './console-pages.ts';

export interface ImportPagesDeps {
  issuer: string;
  invites: InviteService;
  overview: OverviewStats;
  pages: ConsolePages;
}

interface UploadedFile {
  filepath: string;
  size: number;
}

/** One CSV cell, quoted when it must be (RFC 4180), and never read as a formula by a spreadsheet. */
function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function importPages(router: Router, { issuer, invites, overview, pages }: ImportPagesDeps): void {
  /** The sheet from the upload field, or else the pasted text; the temporary file is removed at once. */
  async function sheetOf(ctx: Context): Promise<string> {
    const files = (ctx.request.files ?? {}) as Record<string, UploadedFile | UploadedFile[] | undefined>;
    const upload = files.csv;
    const file = Array.isArray(upload) ? upload[0] : upload;
    if (file) {
      try {
        if (file.size > 0) return await readFile(file.filepath, 'utf8');
      } finally {
        await rm(file.filepath, { force: true });
      }
    }
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    return typeof body.csv_text === 'string' ? body.csv_text : '';
  }

  function renderUpload(ctx: Context, status = 200, error?: string, text = '') {
    pages.render(ctx, 'import', t('console_nav_import'), { columns: CSV_COLUMNS.join(','), error, csv_text: text }, status);
  }

  /** Rows of a sheet, or the upload page again with the reason the sheet as a whole was refused. */
  function parse(ctx: Context, sheet: string): BulkRow[] | null {
    try {
      return rowsFromCsv(sheet);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const detail = error.details?.[0] as { message?: string } | undefined;
      renderUpload(ctx, 400, detail?.message ? `${error.message} (${detail.message})` : error.message, sheet);
      return null;
    }
  }

  router.get('/console/import', allow('invite'), (ctx) => renderUpload(ctx));

  router.post('/console/import', allow('invite'), async (ctx) => {
    const sheet = await sheetOf(ctx);
    const rows = parse(ctx, sheet);
    if (!rows) return;
    const good = rows.filter((row) => row.ok).length;
    pages.render(ctx, 'import-preview', t('console_import_preview_title'), {
      sheet,
      good,
      bad: rows.length - good,
      rows: rows.map((row) =>
        row.ok
          ? { row: row.row, ok: true, email: row.input.email, max_uses: row.input.maxUses ?? 1, expires_in_days: row.input.expiresInDays ?? '', roles: (row.input.roles ?? []).join(', '), note: row.input.note }
          : { row: row.row, ok: false, error: row.details.map((d) => `${d.path}: ${d.message}`).join('; ') },
      ),
    });
  });

  router.post('/console/import/create', allow('invite'), async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const rows = parse(ctx, typeof body.sheet === 'string' ? body.sheet : '');
    if (!rows) return;
    const created = await invites.createMany(
      rows.flatMap((row) => (row.ok ? [row.input] : [])),
      inviteActor(ctx),
      consoleMeta(ctx),
    );
    overview.invalidate();
    let next = 0;
    const results = rows.map((row) => {
      if (!row.ok) return { row: row.row, ok: false, email: null, error: row.details.map((d) => `${d.path}: ${d.message}`).join('; ') };
      const outcome = created[next++]!;
      if (outcome instanceof AppError) return { row: row.row, ok: false, email: row.input.email ?? null, error: outcome.message };
      return { row: row.row, ok: true, email: outcome.invite.email, id: outcome.invite.id, url: inviteUrl(issuer, outcome.token) };
    });
    const csv = [
      'row,status,email,invite_id,url,error',
      ...results.map((r) => [r.row, r.ok ? 'created' : 'error', r.email, 'id' in r ? r.id : '', 'url' in r ? r.url : '', 'error' in r ? r.error : ''].map(csvCell).join(',')),
    ].join('\r\n');
    pages.render(ctx, 'import-results', t('console_import_results_title'), {
      results,
      created: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      // A data: link: the links are in this answer only, and never stored to be fetched again.
      download: `data:text/csv;charset=utf-8;base64,${Buffer.from(`${csv}\r\n`).toString('base64')}`,
    });
  });
}
