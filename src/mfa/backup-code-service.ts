// An account's backup codes: a new set of ten (shown once, stored as hashes), spent one at a time.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import type { Store } from '../store/ports.ts';
import { hashBackupCode, looksLikeBackupCode, newBackupCodes } from './backup-codes.ts';

export function createBackupCodeService({ store, clock, audit }: { store: Store; clock: () => Date; audit: AuditRecorder }) {
  return {
    /** Ten new codes replace every earlier one; the caller shows them once and forgets them. */
    async regenerate(accountId: string, actor: string, meta: RequestMeta): Promise<string[]> {
      const codes = newBackupCodes();
      await store.mfa.replaceBackupCodes(accountId, codes.map((code) => hashBackupCode(accountId, code)), clock());
      await audit.record({ type: 'backup_codes.generated', actor, accountId, data: { count: codes.length } }, meta);
      return codes;
    },

    /** Spends the code when it is one of the account's unused ones (one conditional update: a code works once). */
    async use(accountId: string, typed: string, meta: RequestMeta): Promise<boolean> {
      if (!looksLikeBackupCode(typed)) return false;
      if (!(await store.mfa.useBackupCode(accountId, hashBackupCode(accountId, typed), clock()))) return false;
      const left = await store.mfa.countBackupCodes(accountId);
      await audit.record({ type: 'backup_code.used', actor: accountId, accountId, data: { left } }, meta);
      return true;
    },

    /** Drops them all (the account's last factor went: there is nothing left for them to stand in for). */
    async clear(accountId: string, meta: RequestMeta): Promise<void> {
      if ((await store.mfa.countBackupCodes(accountId)) === 0) return;
      await store.mfa.replaceBackupCodes(accountId, [], clock());
      await audit.record({ type: 'mfa.removed', actor: accountId, accountId, data: { method: 'backup_codes' } }, meta);
    },

    left(accountId: string): Promise<number> {
      return store.mfa.countBackupCodes(accountId);
    },
  };
}

export type BackupCodeService = ReturnType<typeof createBackupCodeService>;
