// Joining, signing in, linking and unlinking through upstream identity providers. Links go by the
// upstream's (issuer, subject), never by email; a sign-up passes the same admission gate and
// redemption as a password sign-up (signup/admission.ts, invites/redemption.ts).
import { randomUUID } from 'node:crypto';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError, notFound } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import type { AccountRecord, FederatedIdentityRecord, Store } from '../store/ports.ts';
import type { AdmissionGate } from '../signup/admission.ts';
import type { SignUpService } from '../signup/signup-service.ts';
import type { UpstreamProvider } from '../upstream-provider-config.ts';
import type { PendingAuthorization, UpstreamClients, UpstreamIdentity } from './upstream-client.ts';

/** How long a link may point at an account not yet created before it counts as stale (a sign-up takes well under this). */
export const SIGN_UP_GRACE_MS = 60_000;

export interface FederationServiceDeps {
  providers: readonly UpstreamProvider[];
  clients: UpstreamClients;
  store: Store;
  clock: () => Date;
  audit: AuditRecorder;
  gate: AdmissionGate;
  signUp: SignUpService;
}

/** A linked upstream account as the member's page shows it. */
export interface LinkedAccount {
  id: string;
  providerId: string;
  providerName: string;
  email: string | null;
  linkedAt: Date;
}

export function createFederationService({ providers, clients, store, clock, audit, gate, signUp }: FederationServiceDeps) {
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  const via = (provider: UpstreamProvider) => `upstream:${provider.id}`;

  function providerOf(id: string): UpstreamProvider {
    const provider = byId.get(id);
    if (!provider) throw notFound();
    return provider;
  }

  async function signInLinked(link: FederatedIdentityRecord, provider: UpstreamProvider, meta: RequestMeta): Promise<AccountRecord | null> {
    const account = await store.accounts.findById(link.accountId);
    if (!account) {
      // A young link may be a sign-up of this same upstream account still creating its account
      // (the link goes in first): leave it, and say so, rather than take the link from under it.
      if (clock().getTime() - link.createdAt.getTime() < SIGN_UP_GRACE_MS) throw new AppError('conflict', { message: t('upstream_signup_in_progress') });
      // Older: the account went (deleted, or a sign-up undone by a crash); the stale link goes too.
      await store.federatedIdentities.unlink(link.accountId, link.id, { keepOne: false });
      return null;
    }
    if (account.disabled) {
      await audit.record({ type: 'login.failed', actor: account.id, accountId: account.id, reason: 'account_disabled', data: { via: via(provider) } }, meta);
      throw new AppError('account_disabled');
    }
    await audit.record({ type: 'login.succeeded', actor: account.id, accountId: account.id, data: { via: via(provider) } }, meta);
    return account;
  }

  async function link(accountId: string, provider: UpstreamProvider, identity: UpstreamIdentity, meta: RequestMeta, automatic = false): Promise<FederatedIdentityRecord | null> {
    const linked = await store.federatedIdentities.link({
      id: randomUUID(),
      accountId,
      providerId: provider.id,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.emailVerified ? identity.email : null,
      createdAt: clock(),
    });
    if (linked) await audit.record({ type: 'federation.linked', actor: accountId, accountId, data: { provider: provider.id, ...(automatic ? { automatic: true } : {}) } }, meta);
    return linked;
  }

  async function rejectLink(reason: string, accountId: string, provider: UpstreamProvider, meta: RequestMeta): Promise<void> {
    await audit.record({ type: 'federation.rejected', actor: accountId, accountId, reason, data: { provider: provider.id } }, meta);
  }

  return {
    /** The providers the hosted pages offer, in configured order. */
    buttons(): Array<{ id: string; name: string }> {
      return providers.map((provider) => ({ id: provider.id, name: provider.name }));
    },

    async begin(providerId: string): Promise<{ url: string; pending: PendingAuthorization }> {
      return clients.authorizationUrl(providerOf(providerId));
    },

    /**
     * The callback of a sign-in or sign-up: the linked account, or (no link yet) a new account
     * admitted by the gate. An email that matches a local account never links by itself, unless
     * the provider is marked trust_email and vouches for that email.
     */
    async signIn(providerId: string, callbackUrl: URL, pending: PendingAuthorization, options: { inviteToken?: string | null }, meta: RequestMeta): Promise<AccountRecord> {
      const provider = providerOf(providerId);
      const identity = await clients.complete(provider, callbackUrl, pending);
      // Twice at most: a link found stale, or a racing sign-up of the same upstream account, looks again once.
      for (let attempt = 0; attempt < 2; attempt++) {
        const existing = await store.federatedIdentities.findBySubject(identity.issuer, identity.subject);
        // The provider's domain rules hold at every sign-in, not only at sign-up: someone who left the
        // Workspace or tenant no longer comes in through it.
        if (existing && !identity.domainAllowed) {
          await audit.record({ type: 'federation.rejected', actor: 'anonymous', accountId: existing.accountId, reason: 'domain_not_allowed', data: { provider: provider.id } }, meta);
          throw new AppError('domain_not_allowed');
        }
        if (existing) {
          const account = await signInLinked(existing, provider, meta);
          if (account) return account;
        }
        if (provider.trustEmail && identity.emailVerified && identity.email && identity.domainAllowed) {
          const owner = await store.accounts.findByEmail(identity.email);
          if (owner) {
            const linked = await link(owner.id, provider, identity, meta, true);
            const account = linked ? await signInLinked(linked, provider, meta) : null;
            if (account) return account;
            continue;
          }
        }
        let admission;
        try {
          admission = await gate.admitUpstream(
            { providerId: provider.id, signup: provider.signup, allowedDomains: provider.allowedDomains, email: identity.email, emailVerified: identity.emailVerified, domainAllowed: identity.domainAllowed, inviteToken: options.inviteToken },
            meta,
          );
        } catch (error) {
          // Never linked by email: the person signs in to that account first, then links.
          if (error instanceof AppError && error.code === 'email_taken') throw new AppError('email_taken', { message: t('upstream_email_taken', { name: provider.name }) });
          throw error;
        }
        // The link goes in first, under the new account's id: a racing sign-up of the same upstream
        // account loses here, before any invitation use is spent. If the account is then refused,
        // the link is removed; a crash in between leaves a link to no account, which is ignored
        // and replaced on the next sign-in (signInLinked).
        const accountId = randomUUID();
        const linked = await store.federatedIdentities.link({ id: randomUUID(), accountId, providerId: provider.id, issuer: identity.issuer, subject: identity.subject, email: identity.email, createdAt: clock() });
        if (!linked) continue;
        try {
          const account = await signUp.createFromUpstream(admission, { accountId, via: via(provider) }, meta);
          await audit.record({ type: 'federation.linked', actor: account.id, accountId: account.id, inviteId: account.inviteId, data: { provider: provider.id } }, meta);
          return account;
        } catch (error) {
          await store.federatedIdentities.deleteByAccount(accountId);
          throw error;
        }
      }
      throw new AppError('upstream_failed');
    },

    /** The callback of a link started on /account by the signed-in `accountId`. */
    async link(providerId: string, callbackUrl: URL, pending: PendingAuthorization, accountId: string, meta: RequestMeta): Promise<void> {
      const provider = providerOf(providerId);
      const identity = await clients.complete(provider, callbackUrl, pending);
      if (!identity.domainAllowed) {
        await rejectLink('domain_not_allowed', accountId, provider, meta);
        throw new AppError('domain_not_allowed');
      }
      const existing = await store.federatedIdentities.findBySubject(identity.issuer, identity.subject);
      if (existing?.accountId === accountId) return;
      if (existing || !(await link(accountId, provider, identity, meta))) {
        await rejectLink('linked_elsewhere', accountId, provider, meta);
        throw new AppError('identity_linked_elsewhere');
      }
    },

    async linkedAccounts(accountId: string): Promise<LinkedAccount[]> {
      const links = await store.federatedIdentities.listByAccount(accountId);
      return links.map((found) => ({ id: found.id, providerId: found.providerId, providerName: byId.get(found.providerId)?.name ?? found.providerId, email: found.email, linkedAt: found.createdAt }));
    },

    /** Removes a link; the last way to sign in (no password, no passkey, one link) is refused. */
    async unlink(accountId: string, linkId: string, meta: RequestMeta): Promise<void> {
      const account = await store.accounts.findById(accountId);
      if (!account) throw notFound();
      const target = (await store.federatedIdentities.listByAccount(accountId)).find((found) => found.id === linkId);
      if (!target) throw notFound();
      // A passkey signs in alone; an authenticator app never does.
      const otherWayIn = account.passwordHash !== null || (await store.mfa.listPasskeys(accountId)).length > 0;
      const outcome = await store.federatedIdentities.unlink(accountId, linkId, { keepOne: !otherWayIn });
      if (outcome === 'not_found') throw notFound();
      if (outcome === 'last') throw new AppError('last_sign_in_method');
      await audit.record({ type: 'federation.unlinked', actor: accountId, accountId, data: { provider: target.providerId } }, meta);
    },
  };
}

export type FederationService = ReturnType<typeof createFederationService>;
