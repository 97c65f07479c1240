// Passkeys: the two WebAuthn ceremonies (register one, sign in with one), each answered once
// through a challenge kept in the store, and an account's list of them (rename, remove).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError, notFound } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import type { PasskeyRecord, RemoveFactorOutcome, Store, WebAuthnChallengeRecord } from '../store/ports.ts';
import {
  accountIdOfUserHandle,
  authenticationOptions,
  registrationOptions,
  verifyAuthentication,
  verifyRegistration,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  type RelyingParty,
} from './webauthn.ts';

/** Up to 20 per account: enough for every device a person has, few enough to list on one page. */
export const MAX_PASSKEYS = 20;
/** A ceremony's challenge is good for five minutes (the browser's own timeout is shorter). */
const CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSKEY_NAME_MAX = 60;

type Purpose = WebAuthnChallengeRecord['purpose'];

export interface CeremonyStart<T> {
  challengeId: string;
  options: T;
}

export interface PasskeySignIn {
  accountId: string;
  /** True for a sign-in with the passkey alone; false when it was the second factor after a password. */
  passwordless: boolean;
  passkey: PasskeyRecord;
  userVerified: boolean;
}

export interface PasskeyServiceDeps {
  store: Store;
  clock: () => Date;
  audit: AuditRecorder;
  rp: RelyingParty;
}

/** A name as typed: trimmed, one line, within the length; the device's kind when none is given. */
export function passkeyName(typed: unknown, fallback: string): string {
  const name = typeof typed === 'string' ? typed.replace(/\s+/g, ' ').trim() : '';
  return name ? name.slice(0, PASSKEY_NAME_MAX) : fallback;
}

export function createPasskeyService({ store, clock, audit, rp }: PasskeyServiceDeps) {
  /** The live challenge of `id` for this purpose, interaction and account; it is spent by being read. */
  async function takeChallenge(id: unknown, purpose: Purpose[], binding: { interactionUid?: string | null; accountId?: string | null }): Promise<WebAuthnChallengeRecord> {
    const challenge = typeof id === 'string' && id.length <= 64 ? await store.mfa.takeChallenge(id, clock()) : null;
    const bound =
      challenge !== null &&
      purpose.includes(challenge.purpose) &&
      (binding.interactionUid === undefined || challenge.interactionUid === binding.interactionUid) &&
      (binding.accountId === undefined || challenge.accountId === binding.accountId);
    if (!challenge || !bound) throw new AppError('challenge_expired');
    return challenge;
  }

  async function saveChallenge(challenge: string, purpose: Purpose, accountId: string | null, interactionUid: string | null, data: unknown = null): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await store.mfa.createChallenge({ id, challenge, purpose, accountId, interactionUid, data: data === null ? null : JSON.stringify(data), expiresAt: new Date(clock().getTime() + CHALLENGE_TTL_MS) });
    return id;
  }

  async function recordRegistered(passkey: PasskeyRecord, meta: RequestMeta): Promise<void> {
    const data = { method: 'passkey', passkey_id: passkey.id, device_type: passkey.deviceType };
    await audit.record({ type: 'passkey.registered', actor: passkey.accountId, accountId: passkey.accountId, data }, meta);
    await audit.record({ type: 'mfa.enrolled', actor: passkey.accountId, accountId: passkey.accountId, data }, meta);
  }

  return {
    recordRegistered,

    /**
     * Registration options for `accountId` (a new account's chosen id for a sign-up). A passkey that
     * will be the only way in must verify its user; one added beside a password may just be present.
     */
    async startRegistration(input: { accountId?: string; email: string; purpose: 'signup' | 'register'; interactionUid: string | null; data?: unknown }) {
      const accountId = input.accountId ?? randomUUID();
      const existing = input.purpose === 'register' ? await store.mfa.listPasskeys(accountId) : [];
      if (existing.length >= MAX_PASSKEYS) throw new AppError('passkey_limit');
      const options = await registrationOptions(rp, { accountId, email: input.email }, existing, input.purpose === 'signup' ? 'required' : 'preferred');
      const challengeId = await saveChallenge(options.challenge, input.purpose, accountId, input.interactionUid, input.data ?? null);
      return { challengeId, options, accountId };
    },

    /**
     * Verifies the browser's answer to a registration and stores the passkey. Returns it with the
     * challenge's data (a sign-up's admission).
     */
    async finishRegistration(
      input: { challengeId: unknown; response: RegistrationResponseJSON; name?: unknown; purpose: 'signup' | 'register'; interactionUid?: string | null; accountId?: string },
      meta: RequestMeta,
    ): Promise<{ passkey: PasskeyRecord; data: unknown }> {
      const challenge = await takeChallenge(input.challengeId, [input.purpose], { interactionUid: input.interactionUid, accountId: input.accountId });
      const accountId = challenge.accountId!;
      const verified = await verifyRegistration(rp, input.response, challenge.challenge, input.purpose === 'signup');
      if (!verified) throw new AppError('passkey_failed');
      const now = clock();
      const added = await store.mfa.addPasskey(
        {
          id: verified.id,
          accountId,
          publicKey: verified.publicKey,
          counter: verified.counter,
          transports: verified.transports,
          deviceType: verified.deviceType,
          backedUp: verified.backedUp,
          name: passkeyName(input.name, t('passkey_default_name')),
          createdAt: now,
          lastUsedAt: null,
        },
        MAX_PASSKEYS,
      );
      if (!added.ok) throw new AppError(added.reason === 'limit' ? 'passkey_limit' : 'passkey_failed');
      // A sign-up's account does not exist yet: its audit comes with the account (passkey-sign-up.ts).
      if (input.purpose === 'register') await recordRegistered(added.passkey, meta);
      return { passkey: added.passkey, data: challenge.data === null ? null : JSON.parse(challenge.data) };
    },

    /** Undoes the passkey of a sign-up that was refused after it was stored (the account never came). */
    async discard(passkey: PasskeyRecord): Promise<void> {
      await store.mfa.removePasskey(passkey.accountId, passkey.id, { keepOne: false });
    },

    /**
     * Sign-in options. Passwordless (no account yet): any discoverable passkey, and the person must be
     * verified by the device, as it stands for both factors. As a second factor: the account's own
     * passkeys, presence is enough (the password was the other factor).
     */
    async startSignIn(input: { accountId: string | null; interactionUid: string }): Promise<CeremonyStart<Awaited<ReturnType<typeof authenticationOptions>>>> {
      const allow = input.accountId ? await store.mfa.listPasskeys(input.accountId) : [];
      if (input.accountId && !allow.length) throw notFound();
      const options = await authenticationOptions(rp, allow, input.accountId ? 'preferred' : 'required');
      const challengeId = await saveChallenge(options.challenge, input.accountId ? 'second_factor' : 'authenticate', input.accountId, input.interactionUid);
      return { challengeId, options };
    },

    /** Verifies a sign-in with a passkey; the account is the passkey's (and, as a second factor, must be the one expected). */
    async finishSignIn(input: { challengeId: unknown; response: AuthenticationResponseJSON; interactionUid: string }, meta: RequestMeta): Promise<PasskeySignIn> {
      const challenge = await takeChallenge(input.challengeId, ['authenticate', 'second_factor'], { interactionUid: input.interactionUid });
      const passwordless = challenge.purpose === 'authenticate';
      const credentialId = typeof input.response?.id === 'string' ? input.response.id : '';
      const passkey = credentialId ? await store.mfa.findPasskey(credentialId) : null;
      const fail = async (reason: string, accountId: string | null) => {
        await audit.record({ type: 'mfa.challenge_failed', actor: accountId ?? 'anonymous', accountId, reason, data: { method: 'passkey' } }, meta);
        throw new AppError('passkey_failed');
      };
      if (!passkey) return fail('unknown_passkey', challenge.accountId);
      if (!passwordless && passkey.accountId !== challenge.accountId) return fail('other_account', challenge.accountId);
      // A discoverable passkey names its account in the user handle: it must be the account the passkey was stored for.
      if (passwordless && accountIdOfUserHandle(input.response.response?.userHandle) !== passkey.accountId) return fail('user_handle_mismatch', passkey.accountId);
      const verified = await verifyAuthentication(rp, input.response, challenge.challenge, passkey, passwordless);
      if (!verified) return fail('passkey_not_verified', passkey.accountId);
      await store.mfa.recordPasskeyUse(passkey.id, verified.counter, clock());
      await audit.record({ type: 'passkey.signed_in', actor: passkey.accountId, accountId: passkey.accountId, data: { passkey_id: passkey.id, passwordless, user_verified: verified.userVerified } }, meta);
      return { accountId: passkey.accountId, passwordless, passkey, userVerified: verified.userVerified };
    },

    list(accountId: string): Promise<PasskeyRecord[]> {
      return store.mfa.listPasskeys(accountId);
    },

    async rename(accountId: string, id: string, typed: unknown, meta: RequestMeta): Promise<PasskeyRecord> {
      const name = passkeyName(typed, '');
      if (!name) throw new AppError('invalid_request', { message: t('passkey_name_invalid'), details: [{ path: 'name', message: 'is required' }] });
      const renamed = await store.mfa.renamePasskey(accountId, id, name);
      if (!renamed) throw notFound();
      await audit.record({ type: 'passkey.renamed', actor: accountId, accountId, data: { passkey_id: id } }, meta);
      return renamed;
    },

    async remove(accountId: string, id: string, keep: { keepOne: boolean; keepPasskey: boolean }, meta: RequestMeta): Promise<RemoveFactorOutcome> {
      const outcome = await store.mfa.removePasskey(accountId, id, keep);
      if (outcome === 'removed') await audit.record({ type: 'mfa.removed', actor: accountId, accountId, data: { method: 'passkey', passkey_id: id } }, meta);
      return outcome;
    },
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
