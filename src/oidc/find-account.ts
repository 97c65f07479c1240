// What oidc-provider learns about an account: its claims, and that a disabled one no longer exists.
import type { Account, FindAccount } from 'oidc-provider';
import type { AccountStore } from '../store/ports.ts';

/**
 * The claims each scope releases; `roles` come with `openid` so every app sees them, and so do
 * how and when the person signed in (`amr`, `acr`, `auth_time`: the ID token carries them).
 */
export const CLAIMS = {
  openid: ['sub', 'roles', 'amr', 'acr', 'auth_time'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

export function createFindAccount(accounts: AccountStore): FindAccount {
  return async (_ctx, sub): Promise<Account | undefined> => {
    const account = await accounts.findById(sub);
    // A disabled account is treated as gone: refresh tokens and userinfo stop working at once.
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      async claims() {
        return {
          sub: account.id,
          email: account.email,
          email_verified: account.emailVerified,
          ...(account.phoneNumber ? { phone_number: account.phoneNumber, phone_number_verified: account.phoneNumberVerified } : {}),
          roles: account.roles,
        };
      },
    };
  };
}
