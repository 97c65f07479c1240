// A member changing their own second factors (the /account/security page): only within ten minutes
// of signing in (step-up), and never removing the last factor their account must keep.
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError, notFound } from '../errors.ts';
import type { AccountRecord, PasskeyRecord } from '../store/ports.ts';
import type { BackupCodeService } from './backup-code-service.ts';
import type { MfaStatus } from './mfa-status.ts';
import type { PasskeyService } from './passkey-service.ts';
import type { TotpService } from './totp-service.ts';
import type { RegistrationResponseJSON } from './webauthn.ts';

/** Changing how one signs in needs a sign-in this recent: a browser left signed in is not enough. */
export const STEP_UP_MS = 10 * 60_000;

export interface Member {
  account: AccountRecord;
  signedInAt: Date | null;
}

export interface FactorManagementDeps {
  status: MfaStatus;
  passkeys: PasskeyService;
  totp: TotpService;
  backupCodes: BackupCodeService;
  clock: () => Date;
}

export function createFactorManagement({ status, passkeys, totp, backupCodes, clock }: FactorManagementDeps) {
  const recent = (member: Member) => member.signedInAt !== null && clock().getTime() - member.signedInAt.getTime() <= STEP_UP_MS;

  function assertRecent(member: Member): void {
    if (!recent(member)) throw new AppError('step_up_required');
  }

  /**
   * What a removal must leave: the last factor when the policy requires one; the last passkey of an
   * account that has no other way in (no password, no upstream account; an authenticator app is
   * only ever a second factor). The store decides atomically, so two removals racing for the last
   * two leave one.
   */
  async function mustKeep(account: AccountRecord): Promise<{ keepOne: boolean; keepPasskey: boolean }> {
    const [standing, keepPasskey] = await Promise.all([status.of(account), status.passkeysAreTheOnlyWayIn(account)]);
    return { keepOne: standing.required, keepPasskey };
  }

  /** Backup codes stand in for a factor: with none left, they go too (and are made again with the next one). */
  async function afterRemoval(account: AccountRecord, meta: RequestMeta): Promise<void> {
    if (!(await status.of(account)).enrolled) await backupCodes.clear(account.id, meta);
  }

  return {
    recent,

    /** Everything the page lists. */
    async overview(account: AccountRecord) {
      const [standing, list, left] = await Promise.all([status.of(account), passkeys.list(account.id), backupCodes.left(account.id)]);
      return { standing, passkeys: list, backupCodesLeft: left, totpSince: standing.totp ? ((await totp.find(account.id))?.createdAt ?? null) : null };
    },

    async startPasskey(member: Member) {
      assertRecent(member);
      return passkeys.startRegistration({ accountId: member.account.id, email: member.account.email, purpose: 'register', interactionUid: null });
    },

    async addPasskey(member: Member, input: { challengeId: unknown; response: RegistrationResponseJSON; name?: unknown }, meta: RequestMeta): Promise<PasskeyRecord> {
      assertRecent(member);
      const { passkey } = await passkeys.finishRegistration({ ...input, purpose: 'register', interactionUid: null, accountId: member.account.id }, meta);
      return passkey;
    },

    async renamePasskey(member: Member, id: string, name: unknown, meta: RequestMeta): Promise<PasskeyRecord> {
      assertRecent(member);
      return passkeys.rename(member.account.id, id, name, meta);
    },

    async removePasskey(member: Member, id: string, meta: RequestMeta): Promise<void> {
      assertRecent(member);
      const keep = await mustKeep(member.account);
      const outcome = await passkeys.remove(member.account.id, id, keep, meta);
      if (outcome === 'missing') throw notFound();
      // Refused with keepPasskey set, it was the last passkey, and so the only way in.
      if (outcome === 'refused') throw new AppError(keep.keepPasskey ? 'last_sign_in_method' : 'last_factor');
      await afterRemoval(member.account, meta);
    },

    async startTotp(member: Member) {
      assertRecent(member);
      return totp.begin(member.account);
    },

    /** The set-up a refused code came back with, shown again; null when it expired or is not this member's. */
    reopenTotp(member: Member, sealed: string) {
      return totp.reopen(member.account, sealed);
    },

    async confirmTotp(member: Member, sealed: string, code: string, meta: RequestMeta): Promise<void> {
      assertRecent(member);
      await totp.confirm(member.account, sealed, code, meta);
    },

    async removeTotp(member: Member, meta: RequestMeta): Promise<void> {
      assertRecent(member);
      const outcome = await totp.remove(member.account, (await mustKeep(member.account)).keepOne, meta);
      if (outcome === 'missing') throw notFound();
      if (outcome === 'refused') throw new AppError('last_factor');
      await afterRemoval(member.account, meta);
    },

    /** Ten new codes replacing the old ones, for an account that has a factor for them to stand in for. */
    async regenerateBackupCodes(member: Member, meta: RequestMeta): Promise<string[]> {
      assertRecent(member);
      if (!(await status.of(member.account)).enrolled) throw new AppError('conflict');
      return backupCodes.regenerate(member.account.id, member.account.id, meta);
    },
  };
}

export type FactorManagement = ReturnType<typeof createFactorManagement>;
