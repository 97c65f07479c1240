// Where an account stands with second factors: whether the policy requires one, and which it has.
import type { Config } from '../config.ts';
import type { AccountRecord, Store } from '../store/ports.ts';
import { secondFactorRequired, secondFactorsEnabled } from './mfa-policy.ts';

export interface MfaStanding {
  /** Second factors are on here (mfa is not off). */
  enabled: boolean;
  /** The policy requires this account to have one. */
  required: boolean;
  passkeys: number;
  totp: boolean;
  /** A passkey or an authenticator app (backup codes only stand in for them). */
  enrolled: boolean;
  /** False for an account that signs in with passkeys alone. */
  hasPassword: boolean;
}

export function createMfaStatus({ store, config }: { store: Store; config: Pick<Config, 'mfa' | 'mfa_required_roles'> }) {
  async function required(account: AccountRecord): Promise<boolean> {
    // The invitation is read only when roles and the global switch have not decided already.
    if (secondFactorRequired(config, { roles: account.roles, inviteMetadata: null })) return true;
    if (!secondFactorsEnabled(config) || !account.inviteId) return false;
    const invite = await store.invites.findById(account.inviteId);
    return secondFactorRequired(config, { roles: account.roles, inviteMetadata: invite?.metadata ?? null });
  }

  async function of(account: AccountRecord): Promise<MfaStanding> {
    const [passkeys, totp, isRequired] = await Promise.all([store.mfa.listPasskeys(account.id), store.mfa.findTotp(account.id), required(account)]);
    return {
      enabled: secondFactorsEnabled(config),
      required: isRequired,
      passkeys: passkeys.length,
      totp: totp !== null,
      enrolled: passkeys.length > 0 || totp !== null,
      hasPassword: account.passwordHash !== null,
    };
  }

  return {
    required,

    of,

    /** The standing the `mfa` prompt reads (oidc/mfa-prompt.ts); null for an account that is gone or disabled. */
    async standingOf(accountId: string): Promise<MfaStanding | null> {
      const account = await store.accounts.findById(accountId);
      return account && !account.disabled ? of(account) : null;
    },

    /** No password and no upstream account to sign in with: the passkeys are the only way in. */
    async passkeysAreTheOnlyWayIn(account: AccountRecord): Promise<boolean> {
      if (account.passwordHash !== null) return false;
      return (await store.federatedIdentities.listByAccount(account.id)).length === 0;
    },

    /** A sign-in with this account's password must be followed by a second factor. */
    async secondFactorDue(accountId: string): Promise<boolean> {
      if (!secondFactorsEnabled(config)) return false;
      const [passkeys, totp] = await Promise.all([store.mfa.listPasskeys(accountId), store.mfa.findTotp(accountId)]);
      return passkeys.length > 0 || totp !== null;
    },
  };
}

export type MfaStatus = ReturnType<typeof createMfaStatus>;
