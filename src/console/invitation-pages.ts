// Console screens for invitations: the list (search, filters, keyset pages, row and bulk
// actions), one invitation with its timeline, the new-invitation form and its one-time link,
// revoke (confirmed by typing) and resend. Every change goes through the invite service.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountAdminService } from '../accounts/account-admin-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { OverviewStats } from '../audit/overview-stats.ts';
import { createInviteBody, toCreateInviteInput } from '../admin/invite-schemas.ts';
import { AppError, badRequest } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import { inviteStatus } from '../invites/invite-status.ts';
import type { InviteService, IssuedInvite } from '../invites/invite-service.ts';
import { normalizeEmail } from '../email-address.ts';
import { parseInput } from '../validation.ts';
import { allow, consoleMeta, inviteActor } from './console-context.ts';
import { dayStart, shortUtc, statusLabel, withQuery } from './console-format.ts';
import type { ConsolePages } from './console-pages.ts';
import { invitationListQuery, newInvitationForm, PAGE_SIZE, rolesText, selectedIds } from './console-schemas.ts';
import { qrCodeDataUrl } from './qr-code.ts';

export interface InvitationPagesDeps {
  issuer: string;
  defaultExpiryDays: number;
  apps: Array<{ id: string; name: string }>;
  invites: InviteService;
  accounts: AccountAdminService;
  auditLog: AuditLog;
  overview: OverviewStats;
  pages: ConsolePages;
  clock: () => Date;
}

type Invite = IssuedInvite['invite'];

const STATUSES = ['pending', 'redeemed', 'expired', 'revoked'] as const;

export function invitationPages(router: Router, deps: InvitationPagesDeps): void {
  const { issuer, invites, accounts, auditLog, overview, pages, clock, apps } = deps;
  const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;

  /** Who created them, by email where it is an account (one lookup for the whole page). */
  async function creatorNames(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await accounts.list({ ids: unique }, { limit: unique.length }) : { items: [] };
    return new Map(found.items.map((account) => [account.id, account.email]));
  }

  function row(invite: Invite, creators: Map<string, string>) {
    const status = inviteStatus(invite, clock());
    return {
      id: invite.id,
      email: invite.email,
      status,
      status_label: statusLabel(status),
      uses: `${invite.uses} / ${invite.maxUses}`,
      expires: shortUtc(invite.expiresAt),
      created: shortUtc(invite.createdAt),
      creator: creators.get(invite.createdBy) ?? invite.createdBy,
      app: invite.clientId ? (apps.find((app) => app.id === invite.clientId)?.name ?? invite.clientId) : null,
      roles: invite.roles.join(', '),
      revocable: status === 'pending',
      resendable: status === 'pending' || status === 'expired',
    };
  }

  /** The one-time link page: shown after create and resend, never again. */
  function showLink(ctx: Context, issued: IssuedInvite, heading: string, status: number) {
    const url = inviteUrl(issuer, issued.token);
    pages.render(ctx, 'invitation-link', heading, { heading, url, qr: qrCodeDataUrl(url), invite: row(issued.invite, new Map()), scripts: true }, status);
  }

  router.get('/console/invitations', async (ctx) => {
    const query = parseInput(invitationListQuery, ctx.query);
    let createdBy = query.creator;
    if (createdBy?.includes('@')) createdBy = (await accounts.list({ email: createdBy }, { limit: 1 })).items[0]?.id ?? createdBy;
    const to = dayStart(query.to);
    const q = query.q?.toLowerCase();
    const page = await invites.list(
      {
        status: query.status,
        // A whole address is an exact match; anything shorter searches from the start.
        ...(q && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(q) ? { email: normalizeEmail(q) } : q ? { emailPrefix: q } : {}),
        clientId: query.app,
        role: query.role,
        createdBy,
        createdAfter: dayStart(query.from),
        createdBefore: to ? new Date(to.getTime() + 86_400_000) : undefined,
      },
      { limit: PAGE_SIZE, cursor: query.cursor },
    );
    const creators = await creatorNames(page.items.map((invite) => invite.createdBy));
    // The counts come from the cached overview: never a count of the whole table per page.
    const counts = (await overview.overview()).statuses;
    const filters = { q: query.q, status: query.status, app: query.app, role: query.role, creator: query.creator, from: query.from, to: query.to };
    pages.render(ctx, 'invitations', t('console_nav_invitations'), {
      filters,
      filtered: Object.values(filters).some(Boolean),
      statuses: STATUSES.map((status) => ({ value: status, label: statusLabel(status), count: counts[status], selected: query.status === status })),
      apps: apps.map((app) => ({ ...app, selected: app.id === query.app })),
      rows: page.items.map((invite) => row(invite, creators)),
      next_url: page.nextCursor ? withQuery('/console/invitations', { ...filters, cursor: page.nextCursor }) : null,
      first_url: query.cursor ? withQuery('/console/invitations', filters) : null,
      counted_at: shortUtc((await overview.overview()).at),
    });
  });

  router.get('/console/invitations/:id', async (ctx) => {
    const { invite, redemptions } = await invites.get(ctx.params.id!);
    const [timeline, produced, creators] = await Promise.all([
      auditLog.list({ inviteId: invite.id }, { limit: 200 }),
      accounts.list({ inviteId: invite.id }, { limit: 100 }),
      creatorNames([invite.createdBy]),
    ]);
    pages.render(ctx, 'invitation', t('console_invitation_title'), {
      invite: { ...row(invite, creators), note: invite.note, metadata: Object.keys(invite.metadata).length ? JSON.stringify(invite.metadata, null, 2) : null },
      // Oldest first: a timeline reads from the start.
      timeline: [...timeline.items].reverse().map((event) => ({
        at: shortUtc(new Date(event.at)),
        type: event.type,
        actor: event.actor,
        ip: event.ip,
        reason: event.reason,
        via: (event.data?.via as string | undefined) ?? null,
        account_id: event.account_id,
      })),
      redemptions: redemptions.map((r) => ({ at: shortUtc(r.at), email: r.email, ip: r.ip, account_id: r.accountId })),
      accounts: produced.items.map((account) => ({ id: account.id, email: account.email, disabled: account.disabled })),
      notice: ctx.query.done === 'revoked' ? t('console_done_revoked') : null,
    });
  });

  function renderForm(ctx: Context, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
    pages.render(
      ctx,
      'new-invitation',
      t('console_nav_new'),
      {
        values: { uses: 'single', send_email: true, expires_in_days: String(deps.defaultExpiryDays), ...values },
        errors,
        has_errors: Object.keys(errors).length > 0,
        apps: apps.map((app) => ({ ...app, selected: app.id === values.client_id })),
      },
      status,
    );
  }

  router.get('/console/new-invitation', allow('invite'), (ctx) => renderForm(ctx, {}, {}));

  router.post('/console/invitations', allow('invite'), async (ctx) => {
    const form = parseInput(newInvitationForm, body(ctx));
    const errors: Record<string, string> = {};
    let metadata: unknown;
    if (form.metadata?.trim()) {
      try {
        metadata = JSON.parse(form.metadata);
      } catch {
        errors.metadata = t('console_metadata_invalid');
      }
    }
    const number = (value: string | undefined) => (value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value);
    const candidate = {
      email: form.email ?? null,
      max_uses: form.uses === 'multi' ? number(form.max_uses) : 1,
      expires_in_days: number(form.expires_in_days),
      roles: rolesText(form.roles),
      client_id: form.client_id ?? null,
      note: form.note ?? null,
      metadata,
      send_email: form.send_email === 'on',
    };
    const parsed = createInviteBody.safeParse(candidate);
    if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    const values = { ...form, send_email: form.send_email === 'on' };
    if (!parsed.success || Object.keys(errors).length) return renderForm(ctx, values, errors, 400);
    try {
      const issued = await invites.create(toCreateInviteInput(parsed.data), inviteActor(ctx), consoleMeta(ctx));
      overview.invalidate();
      showLink(ctx, issued, t('console_created_heading'), 201);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const detail = error.details?.[0] as { path?: string; message?: string } | undefined;
      renderForm(ctx, values, { [detail?.path ?? 'roles']: detail?.message ?? error.message }, error.status);
    }
  });

  router.get('/console/invitations/:id/revoke', allow('invite'), async (ctx) => {
    const { invite } = await invites.get(ctx.params.id!);
    renderConfirm(ctx, [invite], 200);
  });

  /** What a revoke must be confirmed with: the invitation's email, or the word for an open one or a batch. */
  const confirmWord = (selected: Invite[]) => (selected.length === 1 && selected[0]!.email ? selected[0]!.email : t('console_confirm_word_revoke'));

  function renderConfirm(ctx: Context, selected: Invite[], status: number, error?: string) {
    pages.render(
      ctx,
      'confirm',
      t('console_confirm_revoke_title'),
      {
        heading: t('console_confirm_revoke_title'),
        lead: t('console_confirm_revoke_lead', { count: selected.length }),
        items: selected.map((invite) => invite.email ?? t('console_open_invite')),
        action: selected.length === 1 ? `/console/invitations/${selected[0]!.id}/revoke` : '/console/bulk-actions',
        hidden: selected.length === 1 ? [] : [{ name: 'action', value: 'revoke' }, ...selected.map((invite) => ({ name: 'ids', value: invite.id }))],
        word: confirmWord(selected),
        button: t('console_revoke'),
        cancel: '/console/invitations',
        error,
      },
      status,
    );
  }

  router.post('/console/invitations/:id/revoke', allow('invite'), async (ctx) => {
    const { invite } = await invites.get(ctx.params.id!);
    const typed = String(body(ctx).confirm ?? '').trim();
    if (typed.toLowerCase() !== confirmWord([invite]).toLowerCase()) return renderConfirm(ctx, [invite], 400, t('console_confirm_mismatch', { word: confirmWord([invite]) }));
    await invites.revoke(invite.id, inviteActor(ctx), consoleMeta(ctx));
    overview.invalidate();
    ctx.status = 303;
    ctx.redirect(`/console/invitations/${invite.id}?done=revoked`);
  });

  router.post('/console/invitations/:id/resend', allow('invite'), async (ctx) => {
    const issued = await invites.resend(ctx.params.id!, inviteActor(ctx), consoleMeta(ctx));
    overview.invalidate();
    showLink(ctx, issued, t('console_resent_heading'), 200);
  });

  router.post('/console/bulk-actions', allow('invite'), async (ctx) => {
    const form = body(ctx);
    const ids = parseInput(selectedIds, form.ids);
    const action = form.action;
    if (!ids.length) throw badRequest([{ path: 'ids', message: 'pick at least one invitation' }], t('console_pick_some'));
    if (action !== 'revoke' && action !== 'resend') throw badRequest([{ path: 'action', message: 'must be revoke or resend' }]);
    const selected = (await Promise.all(ids.map((id) => invites.find(id)))).filter((invite): invite is Invite => invite !== null);
    if (action === 'revoke') {
      const typed = String(form.confirm ?? '').trim();
      if (typed.toLowerCase() !== confirmWord(selected).toLowerCase()) {
        return renderConfirm(ctx, selected, form.confirm === undefined ? 200 : 400, form.confirm === undefined ? undefined : t('console_confirm_mismatch', { word: confirmWord(selected) }));
      }
    }
    // Each on its own: one that cannot be revoked or resent is reported and never stops the others.
    const results = [];
    for (const invite of selected) {
      try {
        if (action === 'revoke') {
          await invites.revoke(invite.id, inviteActor(ctx), consoleMeta(ctx));
          results.push({ email: invite.email, id: invite.id, ok: true, url: null });
        } else {
          const issued = await invites.resend(invite.id, inviteActor(ctx), consoleMeta(ctx));
          results.push({ email: invite.email, id: invite.id, ok: true, url: inviteUrl(issuer, issued.token) });
        }
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        results.push({ email: invite.email, id: invite.id, ok: false, error: error.message });
      }
    }
    overview.invalidate();
    pages.render(ctx, 'bulk-results', t(action === 'revoke' ? 'console_bulk_revoked' : 'console_bulk_resent'), {
      heading: t(action === 'revoke' ? 'console_bulk_revoked' : 'console_bulk_resent'),
      results,
      scripts: action === 'resend',
    });
  });
}
