// A sign-up with a passkey instead of a password: admitted by the same gate as every sign-up, the
// passkey made and verified, then the invitation redeemed with the new account in the same atomic
// step and with the same audit as a password sign-up (signup-service.ts).
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError } from '../errors.ts';
import type { AccountRecord, PasskeyRecord } from '../store/ports.ts';
import type { AdmittedWithoutPassword, SignUpService } from '../signup/signup-service.ts';
import type { PasskeyService } from './passkey-service.ts';
import type { RegistrationResponseJSON } from './webauthn.ts';

export function createPasskeySignUp({ signUp, passkeys }: { signUp: SignUpService; passkeys: PasskeyService }) {
  return {
    /** Admits the person (counted and audited like a password sign-up), then asks their device for a passkey. */
    async start(input: { email: string; inviteToken?: string | null; interactionUid: string }, meta: RequestMeta) {
      const admitted = await signUp.admitWithoutPassword(input, meta);
      const { challengeId, options } = await passkeys.startRegistration({ email: admitted.email, purpose: 'signup', interactionUid: input.interactionUid, data: admitted });
      return { challengeId, options };
    },

    /**
     * The passkey is stored first, under the account id its user handle names, then the account is
     * created through the redemption. A crash between the two leaves a passkey naming no account
     * (it signs nobody in); a refusal of the redemption removes it again.
     */
    async finish(input: { challengeId: unknown; response: RegistrationResponseJSON; interactionUid: string }, meta: RequestMeta): Promise<{ account: AccountRecord; passkey: PasskeyRecord }> {
      const { passkey, data } = await passkeys.finishRegistration({ ...input, purpose: 'signup' }, meta);
      let account: AccountRecord;
      try {
        account = await signUp.completeWithoutPassword(data as AdmittedWithoutPassword, passkey.accountId, meta);
      } catch (error) {
        await passkeys.discard(passkey);
        throw error;
      }
      if (account.id !== passkey.accountId) throw new AppError('server_error');
      await passkeys.recordRegistered(passkey, meta);
      return { account, passkey };
    },
  };
}

export type PasskeySignUp = ReturnType<typeof createPasskeySignUp>;
