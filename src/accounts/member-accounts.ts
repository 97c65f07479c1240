// The accounts as the hosted pages see them: who is an active member, and whether an email already
// has an account. Read-only; routes ask here instead of reading the store.
import { normalizeEmail } from '../email-address.ts';
import type { AccountRecord, Store } from '../store/ports.ts';

export function createMemberAccounts({ store }: { store: Store }) {
  return {
    /** The account, unless it is unknown or disabled (a disabled member has no pages). */
    async activeMember(id: string): Promise<AccountRecord | null> {
      const account = await store.accounts.findById(id);
      return account && !account.disabled ? account : null;
    },

    async emailHasAccount(email: string): Promise<boolean> {
      return (await store.accounts.findByEmail(normalizeEmail(email))) !== null;
    },

    /** The account holding this email, and whether the address was ever proven (squatting is settled on that). */
    async emailHolder(email: string): Promise<{ id: string; emailVerified: boolean } | null> {
      const account = await store.accounts.findByEmail(normalizeEmail(email));
      return account ? { id: account.id, emailVerified: account.emailVerified } : null;
    },
  };
}

export type MemberAccounts = ReturnType<typeof createMemberAccounts>;
