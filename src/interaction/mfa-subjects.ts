// Whom a second-factor or enrolment step is for: the account a right password named (the
// interaction's proof), or the signed-in account an `mfa` prompt was raised for.
import type { Context } from 'koa';
import { ACR_SFA } from '../mfa/authentication-methods.ts';
import { MFA_REASONS } from '../oidc/mfa-prompt.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import type { LoadedInteraction } from './page-context.ts';

export interface StepSubject {
  accountId: string;
  /** How the person signed in so far (what the factor of this step adds to). */
  amr: string[];
  acr: string;
  /** The account was made in this interaction. */
  signedUp: boolean;
}

const reasonsOf = (loaded: LoadedInteraction): string[] => (loaded.details.prompt.name === 'mfa' ? loaded.details.prompt.reasons : []);

function fromSession(loaded: LoadedInteraction): StepSubject | null {
  const session = loaded.details.session as { accountId?: string; amr?: string[]; acr?: string } | undefined;
  return session?.accountId ? { accountId: session.accountId, amr: session.amr ?? ['pwd'], acr: session.acr ?? ACR_SFA, signedUp: false } : null;
}

/** The account waiting for its second factor, or null when nothing here waits for one. */
export function secondFactorSubject(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction): StepSubject | null {
  const proof = deps.proofs.read(ctx, loaded.details.uid);
  if (proof?.next === 'second_factor') return { accountId: proof.accountId, amr: proof.amr, acr: proof.acr, signedUp: proof.signedUp };
  return reasonsOf(loaded).includes(MFA_REASONS.challengeRequired) ? fromSession(loaded) : null;
}

/** The signed-in account the `mfa` prompt asks to add a factor, with whether it must (or may skip). */
export function enrolmentSubject(loaded: LoadedInteraction): (StepSubject & { required: boolean }) | null {
  const reasons = reasonsOf(loaded);
  const required = reasons.includes(MFA_REASONS.enrolmentRequired);
  if (!required && !reasons.includes(MFA_REASONS.enrolmentOffered)) return null;
  const subject = fromSession(loaded);
  return subject ? { ...subject, required } : null;
}
