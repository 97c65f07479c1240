// User administration: list, inspect, disable, enable, delete and the per-user invite quota.
// Knows nothing of HTTP; every change is audited with the admin client as the actor.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { notFound } from '../errors.ts';
import { normalizeEmail } from '../email-address.ts';
import type { AccountRecord, Page, PageRequest, Store } from '../store/ports.ts';

export interface AccountAdminDeps {
  store: Store;
  audit: AuditRecorder;
}

export interface AccountListFilter {
  email?: string;
  inviteId?: string;
}

export function createAccountAdminService({ store, audit }: AccountAdminDeps) {
  async function findOrThrow(id: string): Promise<AccountRecord> {
    const account = await store.accounts.findById(id);
    if (!account) throw notFound();
    return account;
  }

  async function setDisabled(id: string, disabled: boolean, actor: string, meta: RequestMeta): Promise<AccountRecord> {
    const existing = await findOrThrow(id);
    // Idempotent, as in Keycloak's enabled flag: asking twice is not an error and is audited once.
    if (existing.disabled === disabled) return existing;
    const updated = await store.accounts.update(id, { disabled });
    if (!updated) throw notFound();
    if (disabled) {
      // The flag goes first: findAccount then treats the account as gone, so a crash before the
      // payloads are destroyed still leaves every token and session useless.
      await store.oidc.destroyByAccountId(id);
    }
    await audit.record({ type: disabled ? 'user.disabled' : 'user.enabled', actor, accountId: id }, meta);
    return updated;
  }

  return {
    list(filter: AccountListFilter, page: PageRequest): Promise<Page<AccountRecord>> {
      return store.accounts.list({ email: filter.email ? normalizeEmail(filter.email) : undefined, inviteId: filter.inviteId }, page);
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
      await findOrThrow(id);
      if (!(await store.accounts.delete(id))) throw notFound();
      // After the account: a crash in between leaves payloads (and passkeys) that no longer resolve to anyone.
      await store.oidc.destroyByAccountId(id);
      await store.mfa.removeAll(id);
      await audit.record({ type: 'user.deleted', actor, accountId: id }, meta);
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
