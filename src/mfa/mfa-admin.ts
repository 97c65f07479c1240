// An administrator's reset of a member's second factors (a lost phone and no backup code left):
// every passkey, authenticator app and backup code goes, it is audited, and the person is told by email.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { notFound } from '../errors.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { Store } from '../store/ports.ts';

export function createMfaAdmin({ store, audit, mail }: { store: Store; audit: AuditRecorder; mail: MailQueue }) {
  return {
    async reset(accountId: string, actor: string, meta: RequestMeta): Promise<void> {
      const account = await store.accounts.findById(accountId);
      if (!account) throw notFound();
      const removed = await store.mfa.removeAll(account.id);
      await audit.record({ type: 'mfa.reset_by_admin', actor, accountId: account.id, data: { passkeys: removed.passkeys, totp: removed.totp, backup_codes: removed.backupCodes } }, meta);
      // Told at the address they signed up with: if the reset was not asked for, they hear of it.
      await mail.enqueue({ template: 'mfa-reset', to: account.email }, { purpose: 'mfa-reset', accountId: account.id });
    },
  };
}

export type MfaAdmin = ReturnType<typeof createMfaAdmin>;
