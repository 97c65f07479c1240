// The authenticator app of an account: set up (a secret shown once as a QR code and text, kept
// sealed until a first right code turns it on), checked with its replay guard, and removed.
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import { createPayloadSealer, type PayloadSealer } from '../security/payload-sealer.ts';
import type { AccountRecord, RemoveFactorOutcome, Store } from '../store/ports.ts';
import { matchingStep, newTotpSecret, totpQrDataUrl, totpUri } from './totp.ts';

/** How long a set-up page's secret may wait for its first code. */
const DRAFT_TTL_MS = 15 * 60_000;

export interface TotpDraft {
  secret: string;
  uri: string;
  qrDataUrl: string;
  /** The secret sealed with the account and an expiry: the form carries it back, unreadable and unforgeable. */
  sealed: string;
}

export interface TotpServiceDeps {
  store: Store;
  clock: () => Date;
  audit: AuditRecorder;
  /** The cookie keys, newest first: secrets are sealed with the first and opened with any. */
  cookieKeys: readonly string[];
  productName: string;
}

export function createTotpService({ store, clock, audit, cookieKeys, productName }: TotpServiceDeps) {
  // Separate purposes: a draft's sealed value is never accepted as a stored secret, or back.
  const atRest: PayloadSealer = createPayloadSealer(cookieKeys, 'totp-secret-v1');
  const newestOnly: PayloadSealer = createPayloadSealer(cookieKeys.slice(0, 1), 'totp-secret-v1');
  const drafts: PayloadSealer = createPayloadSealer(cookieKeys, 'totp-draft-v1');

  /** The stored secret, and a re-sealing with the newest key when an older one opened it (so retiring that key loses nothing). */
  function openSecret(sealed: string): { secret: string; resealed?: string } {
    try {
      return { secret: newestOnly.open<{ secret: string }>(sealed).secret };
    } catch {
      const secret = atRest.open<{ secret: string }>(sealed).secret;
      return { secret, resealed: atRest.seal({ secret }) };
    }
  }

  return {
    /** A new secret for the set-up page; nothing is stored until confirm. */
    async begin(account: AccountRecord): Promise<TotpDraft> {
      const secret = newTotpSecret();
      const uri = totpUri(secret, productName, account.email);
      return { secret, uri, qrDataUrl: await totpQrDataUrl(uri), sealed: drafts.seal({ accountId: account.id, secret, expiresAt: clock().getTime() + DRAFT_TTL_MS }) };
    },

    /** Reopens a draft the form carried back (for showing it again after a wrong code); null when it is not this account's or has expired. */
    async reopen(account: AccountRecord, sealed: string): Promise<TotpDraft | null> {
      let draft: { accountId: string; secret: string; expiresAt: number };
      try {
        draft = drafts.open(sealed);
      } catch {
        return null;
      }
      if (draft.accountId !== account.id || draft.expiresAt <= clock().getTime()) return null;
      const uri = totpUri(draft.secret, productName, account.email);
      return { secret: draft.secret, uri, qrDataUrl: await totpQrDataUrl(uri), sealed };
    },

    /** The first right code turns the app on; that code's step is spent at once, so it cannot sign in too. */
    async confirm(account: AccountRecord, sealed: string, code: string, meta: RequestMeta): Promise<void> {
      let draft: { accountId: string; secret: string; expiresAt: number };
      try {
        draft = drafts.open(sealed);
      } catch {
        throw new AppError('challenge_expired');
      }
      const now = clock();
      if (draft.accountId !== account.id || draft.expiresAt <= now.getTime()) throw new AppError('challenge_expired');
      const step = matchingStep(draft.secret, code.trim(), now);
      if (step === null) throw new AppError('invalid_code');
      const stored = await store.mfa.setTotp({ accountId: account.id, sealedSecret: atRest.seal({ secret: draft.secret }), createdAt: now, lastUsedAt: now, lastStep: step });
      if (!stored) throw new AppError('totp_already_set');
      await audit.record({ type: 'mfa.enrolled', actor: account.id, accountId: account.id, data: { method: 'totp' } }, meta);
    },

    /**
     * True for a right code of a step not used before (now, or one step either side). The step is
     * claimed in the store in one conditional update: the same code never counts twice.
     */
    async check(accountId: string, code: string): Promise<boolean> {
      const stored = await store.mfa.findTotp(accountId);
      if (!stored) return false;
      const { secret, resealed } = openSecret(stored.sealedSecret);
      const now = clock();
      const step = matchingStep(secret, code, now);
      if (step === null) return false;
      return store.mfa.claimTotpStep(accountId, step, now, resealed);
    },

    find(accountId: string) {
      return store.mfa.findTotp(accountId);
    },

    async remove(account: AccountRecord, keepOne: boolean, meta: RequestMeta): Promise<RemoveFactorOutcome> {
      const outcome = await store.mfa.removeTotp(account.id, { keepOne });
      if (outcome === 'removed') await audit.record({ type: 'mfa.removed', actor: account.id, accountId: account.id, data: { method: 'totp' } }, meta);
      return outcome;
    },
  };
}

export type TotpService = ReturnType<typeof createTotpService>;
