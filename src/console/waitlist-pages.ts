// The console's waitlist: the queue (search, status, keyset pages) with each request's reason and
// referral, and approval (an invitation, made by the waitlist review through the invite service)
// and denial, one row at a time or for the selected rows.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountAdminService } from '../accounts/account-admin-service.ts';
import type { OverviewStats } from '../audit/overview-stats.ts';
import { approveBody, searchFilter } from '../admin/waitlist-schemas.ts';
import { badRequest } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { parseInput } from '../validation.ts';
import type { Approval, ApprovalInput, BulkOutcome, DenialInput, WaitlistReview } from '../waitlist/waitlist-review.ts';
import { allow, consoleMeta, inviteActor } from './console-context.ts';
import { shortUtc, statusLabel, withQuery } from './console-format.ts';
import type { ConsolePages } from './console-pages.ts';
import { PAGE_SIZE, rolesText, selectedIds, waitlistDecisionForm, waitlistListQuery } from './console-schemas.ts';

export interface WaitlistPagesDeps {
  review: WaitlistReview;
  accounts: AccountAdminService;
  overview: OverviewStats;
  apps: Array<{ id: string; name: string }>;
  pages: ConsolePages;
}

type Entry = Approval['entry'];

const STATUSES = ['pending', 'approved', 'denied'] as const;

export function waitlistPages(router: Router, { review, accounts, overview, apps, pages }: WaitlistPagesDeps): void {
  const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;

  /** A referral that names a member is shown as that member (one lookup for the page); anything else as typed. */
  async function referrers(refs: string[]): Promise<Map<string, { id: string; email: string }>> {
    const unique = [...new Set(refs)].filter((ref) => /^[A-Za-z0-9_-]{8,64}$/.test(ref));
    const found = unique.length ? await accounts.list({ ids: unique }, { limit: unique.length }) : { items: [] };
    return new Map(found.items.map((account) => [account.id, { id: account.id, email: account.email }]));
  }

  function row(entry: Entry, members: Map<string, { id: string; email: string }>) {
    return {
      id: entry.id,
      email: entry.email,
      name: entry.name,
      reason: entry.reason,
      ref: entry.ref,
      referrer: entry.ref ? (members.get(entry.ref) ?? null) : null,
      status: entry.status,
      status_label: statusLabel(entry.status),
      requested: shortUtc(entry.confirmedAt ?? entry.requestedAt),
      decided: shortUtc(entry.decidedAt),
      invite_id: entry.inviteId,
      pending: entry.status === 'pending',
    };
  }

  router.get('/console/waitlist', async (ctx) => {
    const query = parseInput(waitlistListQuery, ctx.query);
    const status = query.status === 'any' ? undefined : query.status;
    const [page, counts] = await Promise.all([review.list({ status, ...searchFilter(query.q) }, { limit: PAGE_SIZE, cursor: query.cursor }), review.counts()]);
    const members = await referrers(page.items.flatMap((entry) => (entry.ref ? [entry.ref] : [])));
    const filters = { q: query.q, status: query.status };
    const done = ctx.query.done;
    pages.render(ctx, 'waitlist', t('console_nav_waitlist'), {
      filters,
      statuses: STATUSES.map((value) => ({ value, label: statusLabel(value), count: counts[value], selected: query.status === value })),
      any_selected: query.status === 'any',
      apps,
      rows: page.items.map((entry) => row(entry, members)),
      next_url: page.nextCursor ? withQuery('/console/waitlist', { ...filters, cursor: page.nextCursor }) : null,
      first_url: query.cursor ? withQuery('/console/waitlist', filters) : null,
      notice: done === 'approved' ? t('console_waitlist_done_approved') : done === 'denied' ? t('console_waitlist_done_denied') : null,
    });
  });

  /** The decision fields of the form (shared by a row's buttons and the bulk ones). */
  function decision(ctx: Context): { approval: ApprovalInput; denial: DenialInput } {
    const form = parseInput(waitlistDecisionForm, body(ctx));
    const terms = parseInput(approveBody, { roles: rolesText(form.roles), client_id: form.client_id ?? null, send_email: form.send_email === 'on' });
    return {
      approval: { roles: terms.roles, clientId: terms.client_id ?? null, sendEmail: terms.send_email },
      denial: { reason: form.reason ?? null, notify: form.notify === 'on' },
    };
  }

  router.post('/console/waitlist/:id/approve', allow('invite'), async (ctx) => {
    await review.approve(ctx.params.id!, decision(ctx).approval, inviteActor(ctx), consoleMeta(ctx));
    overview.invalidate();
    ctx.status = 303;
    ctx.redirect('/console/waitlist?done=approved');
  });

  router.post('/console/waitlist/:id/deny', allow('invite'), async (ctx) => {
    await review.deny(ctx.params.id!, decision(ctx).denial, inviteActor(ctx), consoleMeta(ctx));
    overview.invalidate();
    ctx.status = 303;
    ctx.redirect('/console/waitlist?done=denied');
  });

  router.post('/console/waitlist/actions', allow('invite'), async (ctx) => {
    const form = body(ctx);
    const ids = parseInput(selectedIds, form.ids);
    if (!ids.length) throw badRequest([{ path: 'ids', message: 'pick at least one request' }], t('console_waitlist_pick_some'));
    if (form.action !== 'approve' && form.action !== 'deny') throw badRequest([{ path: 'action', message: 'must be approve or deny' }]);
    const { approval, denial } = decision(ctx);
    const approving = form.action === 'approve';
    // Each on its own, in the order picked: one already decided is reported and never stops the others.
    const outcomes: Array<BulkOutcome<Approval | Entry>> = approving
      ? await review.approveMany(ids, approval, inviteActor(ctx), consoleMeta(ctx))
      : await review.denyMany(ids, denial, inviteActor(ctx), consoleMeta(ctx));
    overview.invalidate();
    const heading = t(approving ? 'console_waitlist_results_approved' : 'console_waitlist_results_denied');
    pages.render(ctx, 'waitlist-results', heading, {
      heading,
      results: await Promise.all(
        outcomes.map(async (outcome) => {
          if ('error' in outcome) {
            const entry = await review.get(outcome.id).catch(() => null);
            return { id: outcome.id, email: entry?.email ?? outcome.id, ok: false, error: outcome.error.message };
          }
          const entry = 'invite' in outcome.result ? outcome.result.entry : outcome.result;
          return { id: outcome.id, email: entry.email, ok: true, invite_id: entry.inviteId };
        }),
      ),
    });
  });
}
