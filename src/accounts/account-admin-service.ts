// User administration: list, inspect, disable, enable, delete and the per-user invite quota.
// Knows nothing of HTTP; every change is audited with the admin client as the actor.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { conflict, notFound } from '../errors.ts';
import { normalizeEmail } from '../email-address.ts';
import type { AccountRecord, Page, PageRequest, Store } from '../store/ports.ts';

export interface AccountAdminDeps {
  store: Store;
  audit: AuditRecorder;
  /** Back-channel logout to every app the account is signed in to (oidc/single-logout.ts). */
  endAppSessions?: (accountId: string) => Promise<void>;
}

export interface AccountListFilter {
  email?: string;
  inviteId?: string;
  invitedBy?: string;
  disabled?: boolean;
  role?: string;
  ids?: string[];
}

/** One person in an invite tree: who they are and whom they brought in. */
export interface InviteTreeNode {
  account: AccountRecord;
  invited: InviteTreeNode[];
  /** More were invited than the tree shows. */
  more: boolean;
}

/** How deep and wide the tree under one person is drawn: enough to see, bounded to stay quick. */
const TREE_DEPTH = 3;
const TREE_WIDTH = 25;

/** An app the person has signed in to, from their grants and sessions. */
export interface SignedInApp {
  clientId: string;
  scopes: string[];
}

export interface AccountSession {
  id: string;
  signedInAt: Date | null;
  expiresAt: Date | null;
  clientIds: string[];
}

export function createAccountAdminService({ store, audit, endAppSessions = async () => {} }: AccountAdminDeps) {
  async function findOrThrow(id: string): Promise<AccountRecord> {
    const account = await store.accounts.findById(id);
    if (!account) throw notFound();
    return account;
  }

  /** Nobody disables, deletes or demotes themselves from the console: that locks the door behind them. */
  function refuseSelf(id: string, actor: string, what: string): void {
    if (id === actor) throw conflict(`You cannot ${what} your own account.`);
  }

  async function setDisabled(id: string, disabled: boolean, actor: string, meta: RequestMeta): Promise<AccountRecord> {
    if (disabled) refuseSelf(id, actor, 'disable');
    const existing = await findOrThrow(id);
    // Idempotent, as in Keycloak's enabled flag: asking twice is not an error and is audited once.
    if (existing.disabled === disabled) return existing;
    const updated = await store.accounts.update(id, { disabled });
    if (!updated) throw notFound();
    if (disabled) {
      // The flag goes first: findAccount then treats the account as gone, so a crash before the
      // payloads are destroyed still leaves every token and session useless. The apps hear of it
      // before the payloads go, since the record of which apps to tell goes with them.
      await endAppSessions(id);
      await store.oidc.destroyByAccountId(id);
      await store.consoleSessions.deleteByAccountId(id);
    }
    await audit.record({ type: disabled ? 'user.disabled' : 'user.enabled', actor, accountId: id }, meta);
    return updated;
  }

  return {
    list(filter: AccountListFilter, page: PageRequest): Promise<Page<AccountRecord>> {
      return store.accounts.list({ ...filter, email: filter.email ? normalizeEmail(filter.email) : undefined }, page);
    },

    get: findOrThrow,

    /** Ends their sessions and revokes their tokens; sign-in is refused until enabled again. */
    disable(id: string, actor: string, meta: RequestMeta): Promise<AccountRecord> {
      return setDisabled(id, true, actor, meta);
    },

    enable(id: string, actor: string, meta: RequestMeta): Promise<AccountRecord> {
      return setDisabled(id, false, actor, meta);
    },

    async delete(id: string, actor: string, meta: RequestMeta): Promise<void> {
      refuseSelf(id, actor, 'delete');
      await findOrThrow(id);
      if (!(await store.accounts.delete(id))) throw notFound();
      // After the account: a crash in between leaves payloads (and passkeys) that no longer resolve to anyone.
      await endAppSessions(id);
      await store.oidc.destroyByAccountId(id);
      await store.mfa.removeAll(id);
      // Its upstream links go too, so that upstream account may join again (signInLinked also drops stale ones).
      await store.federatedIdentities.deleteByAccount(id);
      await store.consoleSessions.deleteByAccountId(id);
      await audit.record({ type: 'user.deleted', actor, accountId: id }, meta);
    },

    /**
     * Replaces the account's roles (they reach apps in the `roles` claim at the next sign-in). A
     * console session of the account ends, so new console rights apply at once.
     */
    async setRoles(id: string, roles: string[], actor: string, meta: RequestMeta): Promise<AccountRecord> {
      const existing = await findOrThrow(id);
      const next = [...new Set(roles)];
      if (id === actor && existing.roles.includes('admin') && !next.includes('admin')) refuseSelf(id, actor, 'remove the admin role from');
      const updated = await store.accounts.update(id, { roles: next });
      if (!updated) throw notFound();
      await store.consoleSessions.deleteByAccountId(id);
      await audit.record({ type: 'user.roles_changed', actor, accountId: id, data: { from: existing.roles, to: next } }, meta);
      return updated;
    },

    /** Whom this person invited, and whom those invited, a few levels down. */
    async inviteTree(id: string): Promise<InviteTreeNode[]> {
      async function below(parent: string, depth: number): Promise<{ nodes: InviteTreeNode[]; more: boolean }> {
        const page = await store.accounts.list({ invitedBy: parent }, { limit: TREE_WIDTH });
        const nodes = await Promise.all(
          page.items.map(async (account) => {
            const children = depth < TREE_DEPTH ? await below(account.id, depth + 1) : { nodes: [], more: false };
            return { account, invited: children.nodes, more: children.more };
          }),
        );
        return { nodes, more: page.nextCursor !== null };
      }
      return (await below(id, 1)).nodes;
    },

    /** The person's provider sessions and the apps they granted: what "sign out everywhere" would end. */
    async signIns(id: string): Promise<{ sessions: AccountSession[]; apps: SignedInApp[] }> {
      const [sessions, grants] = await Promise.all([store.oidc.findByAccountId('Session', id, 50), store.oidc.findByAccountId('Grant', id, 50)]);
      return {
        sessions: sessions.map(({ id: sessionId, payload, expiresAt }) => ({
          id: sessionId,
          signedInAt: typeof payload.loginTs === 'number' ? new Date(payload.loginTs * 1000) : null,
          expiresAt,
          clientIds: Object.keys((payload.authorizations as Record<string, unknown> | undefined) ?? {}),
        })),
        apps: grants.map(({ payload }) => ({
          clientId: String(payload.clientId ?? ''),
          scopes: String((payload.openid as { scope?: string } | undefined)?.scope ?? '').split(' ').filter(Boolean),
        })),
      };
    },

    /** A per-user override of max_invites_per_user; null goes back to the configured default. */
    async setInviteQuota(id: string, quota: number | null, actor: string, meta: RequestMeta): Promise<AccountRecord> {
      const existing = await findOrThrow(id);
      const updated = await store.accounts.update(id, { inviteQuota: quota });
      if (!updated) throw notFound();
      await audit.record({ type: 'user.quota_changed', actor, accountId: id, data: { from: existing.inviteQuota, to: quota } }, meta);
      return updated;
    },
  };
}

export type AccountAdminService = ReturnType<typeof createAccountAdminService>;
