// What every interaction page needs: the interaction's details, its client's name and a CSRF token.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { csrfToken } from '../security/csrf.ts';

export async function loadInteraction(provider: Provider, ctx: Context) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const client = await provider.Client.find(String(details.params.client_id));
  return { details, client, clientName: client?.clientName ?? null, csrf: csrfToken(ctx) };
}

export type LoadedInteraction = Awaited<ReturnType<typeof loadInteraction>>;

/**
 * True when the app asked for the sign-up page: prompt=create, or an invitation carried in
 * (invite_token has no use on the sign-in page, so it implies sign-up).
 */
export function wantsSignUp(details: LoadedInteraction['details']): boolean {
  return String(details.params.prompt ?? '').split(' ').includes('create') || typeof details.params.invite_token === 'string';
}

export function paramString(details: LoadedInteraction['details'], name: string): string {
  const value = details.params[name];
  return typeof value === 'string' ? value : '';
}
