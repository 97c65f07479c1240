// The `mfa` prompt's page: the second factor for a session made without it, or adding one.
import type { Context } from 'koa';
import { MFA_REASONS } from '../oidc/mfa-prompt.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import type { LoadedInteraction } from './page-context.ts';
import { showSecondFactor } from './second-factor-step.ts';
import { showEnrolment } from './mfa-enrolment-step.ts';

export async function showMfaPrompt(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction): Promise<void> {
  if (loaded.details.prompt.reasons.includes(MFA_REASONS.challengeRequired)) return showSecondFactor(deps, ctx, loaded);
  return showEnrolment(deps, ctx, loaded);
}
