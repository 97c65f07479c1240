// Hands the outcome of a step back to oidc-provider and follows it (303 to the resume URL).
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { ACR_SFA, type Authentication } from '../mfa/authentication-methods.ts';
import { SIGNED_UP } from '../oidc/mfa-prompt.ts';

export async function finishInteraction(provider: Provider, ctx: Context, result: InteractionResults): Promise<void> {
  // Consent and the second-factor steps build on the sign-in just made in the same request chain; a
  // sign-in starts afresh.
  const mergeWithLastSubmission = 'consent' in result || 'mfa' in result;
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

/**
 * Signing in resolves `login`, and `create` too when the app asked for the sign-up page, with the
 * authentication methods used: a password by default; an upstream sign-in passes federation/upstream-amr.ts.
 */
export function signedIn(accountId: string, authentication: Authentication = { amr: ['pwd'], acr: ACR_SFA }): InteractionResults {
  return { login: { accountId, amr: authentication.amr, acr: authentication.acr }, create: {} } as InteractionResults;
}

/** As signedIn, for an account made in this interaction: the `mfa` prompt then offers a second factor once. */
export function signedUp(accountId: string, authentication?: Authentication): InteractionResults {
  return { ...signedIn(accountId, authentication), [SIGNED_UP]: true } as InteractionResults;
}

/**
 * The provider's resume URL for `result` without redirecting, for steps answered over JSON (a
 * passkey ceremony's end): the page's script follows it. Merged with the interaction's earlier
 * result, so an `mfa` prompt's answer keeps what the sign-in before it said.
 */
export function resumeUrl(provider: Provider, ctx: Context, result: InteractionResults): Promise<string> {
  return provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
}
