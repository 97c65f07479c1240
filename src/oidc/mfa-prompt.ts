// The `mfa` interaction prompt: after sign-in and before consent, so no authorization request
// yields a code or token until the second factor the policy or the app asks for is there.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { asksForMfa, isMultiFactor } from '../mfa/authentication-methods.ts';

/** What the prompt needs to know of an account; null when the account is gone. */
export interface MfaStandingOfAccount {
  enabled: boolean;
  required: boolean;
  enrolled: boolean;
}

export type StandingLookup = (accountId: string) => Promise<MfaStandingOfAccount | null>;

/** Why the prompt was raised: the reasons the hosted step reads to choose its page. */
export const MFA_REASONS = {
  enrolmentRequired: 'mfa_enrolment_required',
  challengeRequired: 'mfa_challenge_required',
  enrolmentOffered: 'mfa_enrolment_offered',
} as const;

/** A sign-up's result carries this, so the optional offer comes once, right after the account is made. */
export const SIGNED_UP = 'guestlist_signed_up';
/** The offer's answer when declined. */
export const OFFER_DECLINED = 'guestlist_mfa_offer_declined';

export function mfaPrompt(standingOf: StandingLookup) {
  const { Prompt, Check } = interactionPolicy;
  // The three checks run together: one lookup per request serves them all.
  const looked = new WeakMap<object, Promise<MfaStandingOfAccount | null>>();
  async function situation(ctx: KoaContextWithOIDC) {
    const { session, params } = ctx.oidc;
    const accountId = session?.accountId;
    // A sign-in that already had two factors satisfies every demand; nothing to look up.
    if (!accountId || isMultiFactor(session.acr)) return null;
    if (!looked.has(ctx)) looked.set(ctx, standingOf(accountId));
    const standing = await looked.get(ctx)!;
    if (!standing?.enabled) return null;
    const result = (ctx.oidc.result ?? {}) as Record<string, unknown>;
    return { standing, demanded: standing.required || asksForMfa(params?.acr_values), justSignedUp: result[SIGNED_UP] === true && result[OFFER_DECLINED] !== true };
  }
  return new Prompt(
    { name: 'mfa', requestable: false },
    // Required (by policy, or asked for with acr_values) and there is no factor yet: enrol one now.
    new Check(MFA_REASONS.enrolmentRequired, 'a second factor must be set up', async (ctx) => {
      const now = await situation(ctx);
      return Boolean(now && now.demanded && !now.standing.enrolled);
    }),
    // The account has a factor and this session was made without it (it predates the factor).
    new Check(MFA_REASONS.challengeRequired, 'the second factor is required', async (ctx) => {
      const now = await situation(ctx);
      return Boolean(now && now.standing.enrolled);
    }),
    // Just signed up, no factor and none required: offered once, and may be skipped.
    new Check(MFA_REASONS.enrolmentOffered, 'a second factor is offered', async (ctx) => {
      const now = await situation(ctx);
      return Boolean(now && !now.demanded && !now.standing.enrolled && now.justSignedUp);
    }),
  );
}
