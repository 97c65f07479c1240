// Console screens for people: the list (search; active, disabled, locked; invited by; role) and a
// person (invite tree, roles and quota, sessions and apps, disable, enable, delete). Changes are
// the account admin service's, each audited with the acting admin and `via: console`.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountAdminService, InviteTreeNode } from '../accounts/account-admin-service.ts';
import { CONSOLE_ROLES } from '../security/console-roles.ts';
import type { MemberInviteService } from '../invites/member-invite-service.ts';
import type { LockoutReport } from '../security/lockout-report.ts';
import { badRequest } from '../errors.ts';
import { t, type MessageKey } from '../i18n/format-message.ts';
import { parseInput } from '../validation.ts';
import { allow, consoleMeta, consoleUser } from './console-context.ts';
import { shortUtc, withQuery } from './console-format.ts';
import type { ConsolePages } from './console-pages.ts';
import { PAGE_SIZE, peopleListQuery, rolesText } from './console-schemas.ts';
import { confirmedPersonAction } from './typed-confirmation.ts';

export interface PeoplePagesDeps {
  accounts: AccountAdminService;
  members: MemberInviteService;
  lockouts: LockoutReport;
  pages: ConsolePages;
  apps: Array<{ id: string; name: string }>;
  defaultQuota: number;
  /** How the person signs in (person-recovery-pages.ts). */
  signInFacts: (account: Account) => Promise<Record<string, unknown>>;
}

type Account = Awaited<ReturnType<AccountAdminService['get']>>;

/** The notices a redirect after an action may ask for (anything else shows none). */
const DONE = new Set(['roles', 'quota', 'enabled', 'disabled', 'recovery_sent', 'factors_reset']);

export function peoplePages(router: Router, { accounts, members, lockouts, pages, apps, defaultQuota, signInFacts }: PeoplePagesDeps): void {
  const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
  const appName = (id: string) => apps.find((app) => app.id === id)?.name ?? id;

  async function idOf(emailOrId: string | undefined): Promise<string | undefined> {
    if (!emailOrId?.includes('@')) return emailOrId;
    return (await accounts.list({ email: emailOrId }, { limit: 1 })).items[0]?.id ?? emailOrId;
  }

  router.get('/console/people', async (ctx) => {
    const query = parseInput(peopleListQuery, ctx.query);
    const locked = await lockouts.current();
    const page = await accounts.list(
      {
        email: query.q,
        invitedBy: await idOf(query.invited_by),
        role: query.role,
        disabled: query.status === 'active' ? false : query.status === 'disabled' ? true : undefined,
        ids: query.status === 'locked' ? [...new Set(locked.map((lock) => lock.accountId))] : undefined,
      },
      { limit: PAGE_SIZE, cursor: query.cursor },
    );
    const lockedIds = new Set(locked.map((lock) => lock.accountId));
    const filters = { q: query.q, status: query.status, invited_by: query.invited_by, role: query.role };
    pages.render(ctx, 'people', t('console_nav_people'), {
      filters,
      filtered: Object.values(filters).some(Boolean),
      states: ['active', 'disabled', 'locked'].map((value) => ({ value, label: t(`console_person_${value}` as MessageKey), selected: value === query.status })),
      rows: page.items.map((account) => ({
        id: account.id,
        email: account.email,
        roles: account.roles.join(', '),
        state: account.disabled ? t('console_person_disabled') : lockedIds.has(account.id) ? t('console_person_locked') : t('console_person_active'),
        joined: shortUtc(account.createdAt),
      })),
      next_url: page.nextCursor ? withQuery('/console/people', { ...filters, cursor: page.nextCursor }) : null,
      first_url: query.cursor ? withQuery('/console/people', filters) : null,
    });
  });

  const treeNode = (node: InviteTreeNode): Record<string, unknown> => ({
    id: node.account.id,
    email: node.account.email,
    disabled: node.account.disabled,
    more: node.more,
    invited: node.invited.map(treeNode),
  });

  async function renderPerson(ctx: Context, account: Account, extra: Record<string, unknown> = {}, status = 200) {
    const [tree, signIns, inviter, quota, locked, factors] = await Promise.all([
      accounts.inviteTree(account.id),
      accounts.signIns(account.id),
      account.invitedBy ? accounts.list({ ids: [account.invitedBy] }, { limit: 1 }) : Promise.resolve({ items: [] }),
      account.disabled ? Promise.resolve(null) : members.quota(account.id),
      lockouts.current(),
      signInFacts(account),
    ]);
    const user = consoleUser(ctx);
    pages.render(
      ctx,
      'person',
      account.email,
      {
        person: {
          id: account.id,
          email: account.email,
          email_verified: account.emailVerified,
          phone: account.phoneNumber,
          roles: account.roles.join(', '),
          roles_text: account.roles.join(' '),
          disabled: account.disabled,
          joined: shortUtc(account.createdAt),
          invite_id: account.inviteId,
          quota_override: account.inviteQuota,
          self: account.id === user.account.id,
        },
        inviter: account.invitedBy ? { id: account.invitedBy, email: inviter.items[0]?.email ?? null } : null,
        tree: tree.map(treeNode),
        quota: quota ?? null,
        default_quota: defaultQuota,
        console_roles: CONSOLE_ROLES.join(', '),
        lockouts: locked.filter((lock) => lock.accountId === account.id).map((lock) => ({ ip: lock.ip, until: shortUtc(lock.until) })),
        sessions: signIns.sessions.map((session) => ({ signed_in: shortUtc(session.signedInAt), expires: shortUtc(session.expiresAt), apps: session.clientIds.map(appName).join(', ') })),
        apps: signIns.apps.map((app) => ({ name: appName(app.clientId), scopes: app.scopes.join(' ') })),
        factors,
        notice: typeof ctx.query.done === 'string' && DONE.has(ctx.query.done) ? t(`console_done_${ctx.query.done}` as MessageKey) : null,
        ...extra,
      },
      status,
    );
  }

  router.get('/console/people/:id', async (ctx) => renderPerson(ctx, await accounts.get(ctx.params.id!)));

  const done = (ctx: Context, id: string, what: string) => {
    ctx.status = 303;
    ctx.redirect(`/console/people/${encodeURIComponent(id)}?done=${what}`);
  };

  router.post('/console/people/:id/roles', allow('manage'), async (ctx) => {
    const roles = rolesText(String(body(ctx).roles ?? ''));
    const bad = roles.find((role) => !/^[A-Za-z0-9:._-]{1,64}$/.test(role));
    if (bad || roles.length > 50) throw badRequest([{ path: 'roles', message: 'must be 1-64 letters, digits or :._-, at most 50' }], t('console_roles_invalid'));
    const user = consoleUser(ctx);
    const account = await accounts.setRoles(ctx.params.id!, roles, user.account.id, consoleMeta(ctx));
    done(ctx, account.id, 'roles');
  });

  router.post('/console/people/:id/quota', allow('manage'), async (ctx) => {
    const raw = String(body(ctx).invite_quota ?? '').trim();
    if (raw !== '' && !/^\d{1,6}$/.test(raw)) throw badRequest([{ path: 'invite_quota', message: 'must be a whole number, or empty for the default' }]);
    const account = await accounts.setInviteQuota(ctx.params.id!, raw === '' ? null : Number(raw), consoleUser(ctx).account.id, consoleMeta(ctx));
    done(ctx, account.id, 'quota');
  });

  router.post('/console/people/:id/enable', allow('manage'), async (ctx) => {
    const account = await accounts.enable(ctx.params.id!, consoleUser(ctx).account.id, consoleMeta(ctx));
    done(ctx, account.id, 'enabled');
  });

  // Disable and delete: destructive, so each is confirmed by typing the person's email.
  confirmedPersonAction(router, { accounts, pages }, {
    path: 'disable',
    title: 'console_confirm_disable_title',
    lead: 'console_confirm_disable_lead',
    button: 'console_disable',
    async run(ctx, account) {
      await accounts.disable(account.id, consoleUser(ctx).account.id, consoleMeta(ctx));
      done(ctx, account.id, 'disabled');
    },
  });
  confirmedPersonAction(router, { accounts, pages }, {
    path: 'delete',
    title: 'console_confirm_delete_title',
    lead: 'console_confirm_delete_lead',
    button: 'console_delete',
    async run(ctx, account) {
      await accounts.delete(account.id, consoleUser(ctx).account.id, consoleMeta(ctx));
      ctx.status = 303;
      ctx.redirect('/console/people?deleted=1');
    },
  });
}
