// The consent step: a third-party app asks for scopes; first-party apps never see this page.
import type { Context } from 'koa';
import { assertCsrf } from '../security/csrf.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, type LoadedInteraction } from './page-context.ts';
import { finishInteraction } from './finish.ts';

import { isMessageKey, t } from '../i18n/format-message.ts';

/** What a scope lets the app do, in words (`scope_<name>` in messages.ts); unknown scopes show their name. */
function describeScope(scope: string): string {
  const key = `scope_${scope}`;
  return isMessageKey(key) ? t(key) : scope;
}

async function grantConsent(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction): Promise<void> {
  const { details } = loaded;
  const { provider } = deps;
  const accountId = details.session!.accountId;
  const clientId = String(details.params.client_id);
  const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await finishInteraction(provider, ctx, { consent: { grantId } });
}

/**
 * The scopes to show: the new ones; or, when nothing is new (the app sent prompt=consent for what
 * it already has), the requested scopes the grant holds, so the page confirms something named.
 */
async function scopesToShow(deps: InteractionDeps, loaded: LoadedInteraction): Promise<{ scopes: string[]; again: boolean }> {
  const missing = (loaded.details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
  if (missing.length) return { scopes: missing, again: false };
  const grant = loaded.details.grantId ? await deps.provider.Grant.find(loaded.details.grantId) : undefined;
  const granted = new Set(grant?.getOIDCScope().split(' ') ?? []);
  const requested = String(loaded.details.params.scope ?? '').split(' ').filter((scope) => granted.has(scope));
  return { scopes: requested, again: true };
}

export async function showConsent(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction): Promise<void> {
  if (loaded.client?.metadata().first_party) return grantConsent(deps, ctx, loaded);
  const { scopes, again } = await scopesToShow(deps, loaded);
  ctx.type = 'html';
  ctx.body = deps.views.render('consent', {
    title: t('consent_title'),
    uid: loaded.details.uid,
    csrf: loaded.csrf,
    client_name: loaded.clientName ?? String(loaded.details.params.client_id),
    scopes: scopes.map(describeScope),
    again,
  });
}

export async function submitConsent(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  assertCsrf(ctx, (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
  await grantConsent(deps, ctx, loaded);
}
