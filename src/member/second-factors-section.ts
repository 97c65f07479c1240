// The second factors' section of /account: what the member signs in with besides a password, at a
// glance, and the way to /account/security where they are added, renamed and removed.
import type { AccountSection } from './account-page-routes.ts';
import type { FactorManagement } from '../mfa/factor-management.ts';
import type { MemberAccounts } from '../accounts/member-accounts.ts';
import { t } from '../i18n/format-message.ts';

export function createSecondFactorsSection({ factors, accounts }: { factors: FactorManagement; accounts: MemberAccounts }): AccountSection {
  return async (_ctx, accountId) => {
    const account = await accounts.activeMember(accountId);
    if (!account) return {};
    const { standing, passkeys, backupCodesLeft } = await factors.overview(account);
    // With second factors off the section only links to the page, which says so.
    if (!standing.enabled) return { second_factors: { off: true } };
    return {
      second_factors: {
        passkeys: passkeys.map((passkey) => passkey.name),
        totp: standing.totp ? t('security_totp_on_short') : t('security_totp_off'),
        backup_codes: backupCodesLeft > 0 ? t('security_backup_left', { count: backupCodesLeft }) : t('security_backup_none'),
        required: standing.required,
      },
    };
  };
}
