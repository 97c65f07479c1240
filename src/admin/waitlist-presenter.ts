// A waitlist entry as the JSON API shows it (snake_case), its shape for the OpenAPI document, and
// the answer to a bulk approval or denial (one result per id).
import { z } from 'zod';
import { errorBody, type AppError } from '../errors.ts';
import type { WaitlistEntry } from '../store/ports.ts';
import type { Approval, BulkOutcome } from '../waitlist/waitlist-review.ts';
import { inviteShape, presentInvite } from './invite-presenter.ts';

export const waitlistEntryShape = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    reason: z.string().nullable(),
    ref: z.string().nullable().describe('the referral the form carried (?ref=): a member id or a campaign'),
    status: z.enum(['pending', 'approved', 'denied']),
    requested_at: z.iso.datetime(),
    confirmed_at: z.iso.datetime(),
    decided_at: z.iso.datetime().nullable(),
    decided_by: z.string().nullable(),
    denial_reason: z.string().nullable(),
    invite_id: z.string().nullable().describe('the invitation an approval created'),
  })
  .meta({ id: 'WaitlistEntry' });

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentEntry(entry: WaitlistEntry) {
  return {
    id: entry.id,
    email: entry.email,
    name: entry.name,
    reason: entry.reason,
    ref: entry.ref,
    status: entry.status,
    requested_at: entry.requestedAt.toISOString(),
    confirmed_at: iso(entry.confirmedAt),
    decided_at: iso(entry.decidedAt),
    decided_by: entry.decidedBy,
    denial_reason: entry.denialReason,
    invite_id: entry.inviteId,
  };
}

const errorShape = z.object({ error: z.string(), message: z.string(), details: z.array(z.unknown()).optional() });

export const bulkApprovalResultsShape = z.object({
  results: z.array(z.object({ row: z.number().int().describe('1-based position in ids'), id: z.string(), status: z.enum(['approved', 'error']), invite: inviteShape.optional(), error: errorShape.optional() })),
});

export const bulkDenialResultsShape = z.object({
  results: z.array(z.object({ row: z.number().int().describe('1-based position in ids'), id: z.string(), status: z.enum(['denied', 'error']), entry: waitlistEntryShape.optional(), error: errorShape.optional() })),
});

const refused = (row: number, id: string, error: AppError) => ({ row, id, status: 'error' as const, error: errorBody(error).body });

export function presentBulkApprovals(outcomes: Array<BulkOutcome<Approval>>, now: Date, issuer: string) {
  return outcomes.map((outcome, i) =>
    'error' in outcome ? refused(i + 1, outcome.id, outcome.error) : { row: i + 1, id: outcome.id, status: 'approved' as const, invite: presentInvite(outcome.result.invite, now, { token: outcome.result.token, issuer }) },
  );
}

export function presentBulkDenials(outcomes: Array<BulkOutcome<WaitlistEntry>>) {
  return outcomes.map((outcome, i) => ('error' in outcome ? refused(i + 1, outcome.id, outcome.error) : { row: i + 1, id: outcome.id, status: 'denied' as const, entry: presentEntry(outcome.result) }));
}
