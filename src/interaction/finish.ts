// Hands the outcome of a step back to oidc-provider and follows it (303 to the resume URL).
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';

export async function finishInteraction(provider: Provider, ctx: Context, result: InteractionResults): Promise<void> {
  // Consent builds on the sign-in just made in the same request chain; a sign-in starts afresh.
  const mergeWithLastSubmission = 'consent' in result;
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

/**
 * Signing in resolves `login`, and `create` too when the app asked for the sign-up page. `amr`
 * names how: a password by default; an upstream sign-in passes federation/upstream-amr.ts.
 */
export function signedIn(accountId: string, amr: readonly string[] = ['pwd']): InteractionResults {
  return { login: { accountId, amr: [...amr] }, create: {} } as InteractionResults;
}
