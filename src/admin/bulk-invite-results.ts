// The answer to a bulk request: one result per numbered row, created (with its one-time link) or refused.
import { errorBody, type AppError } from '../errors.ts';
import type { IssuedInvite } from '../invites/invite-service.ts';
import { z } from 'zod';
import { inviteShape, presentInvite } from './invite-presenter.ts';
import type { BulkRow } from './bulk-invite-input.ts';

const errorShape = z.object({ error: z.string(), message: z.string(), details: z.array(z.unknown()).optional() });

export const bulkResultsShape = z.object({
  results: z.array(z.object({ row: z.number().int().describe('1-based data row'), status: z.enum(['created', 'error']), invite: inviteShape.optional(), error: errorShape.optional() })),
});

export function presentBulkResults(rows: BulkRow[], created: Array<IssuedInvite | AppError>, now: Date, issuer: string) {
  let next = 0;
  return rows.map((row) => {
    if (!row.ok) return { row: row.row, status: 'error' as const, error: { error: 'invalid_request', message: `Row ${row.row} is not valid.`, details: row.details } };
    // createMany answers the valid rows in order, one outcome each.
    const outcome = created[next++]!;
    if ('invite' in outcome) return { row: row.row, status: 'created' as const, invite: presentInvite(outcome.invite, now, { token: outcome.token, issuer }) };
    return { row: row.row, status: 'error' as const, error: errorBody(outcome).body };
  });
}
