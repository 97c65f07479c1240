// The sign-in step: email and password, then back to the app.
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { upstreamButtonsFor, type InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, paramString, type LoadedInteraction } from './page-context.ts';
import { finishInteraction, signedIn } from './finish.ts';
import { ACR_SFA } from '../mfa/authentication-methods.ts';
import { secondFactorsEnabled } from '../mfa/mfa-policy.ts';

function renderSignIn(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction, email: string, problems: { status?: number; error?: string; errors?: Record<string, string> } = {}): void {
  ctx.status = problems.status ?? 200;
  ctx.type = 'html';
  ctx.body = deps.views.render('login', {
    title: t('signin_title'),
    uid: loaded.details.uid,
    csrf: loaded.csrf,
    client_name: loaded.clientName,
    email,
    error: problems.error,
    errors: problems.errors ?? {},
    upstream: upstreamButtonsFor(deps),
    passkey: secondFactorsEnabled(deps.config)
      ? { ceremony: 'sign-in', options_url: `/interaction/${loaded.details.uid}/passkey/sign-in/options`, finish_url: `/interaction/${loaded.details.uid}/passkey/sign-in`, csrf: loaded.csrf, autofill: true }
      : null,
  });
}

export async function showSignIn(deps: InteractionDeps, ctx: Context, loaded?: LoadedInteraction): Promise<void> {
  const interaction = loaded ?? (await loadInteraction(deps.provider, ctx));
  const fromQuery = typeof ctx.query.email === 'string' ? ctx.query.email.slice(0, 254) : '';
  renderSignIn(deps, ctx, interaction, fromQuery || paramString(interaction.details, 'login_hint'));
}

const signInFields = z.object({
  email: z.string().trim().min(1, 'Enter your email.').max(254, 'Email is too long.'),
  password: z.string().min(1, 'Enter your password.').max(1024, 'Password is too long.'),
});

export async function submitSignIn(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  assertCsrf(ctx, body._csrf);
  const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
  const parsed = signInFields.safeParse(body);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return renderSignIn(deps, ctx, loaded, email, { status: 400, errors });
  }
  try {
    const account = await deps.signIn.signIn(parsed.data.email, parsed.data.password, requestMeta(ctx));
    if (account.secondFactorDue) {
      // No session yet: the password is proved to this interaction only, and the second factor follows.
      const uid = loaded.details.uid;
      deps.proofs.remember(ctx, { uid, accountId: account.id, amr: ['pwd'], acr: ACR_SFA, next: 'second_factor', signedUp: false });
      ctx.status = 303;
      ctx.redirect(`/interaction/${uid}/mfa`);
      return;
    }
    await finishInteraction(deps.provider, ctx, signedIn(account.id));
  } catch (error) {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    return renderSignIn(deps, ctx, loaded, email, { status: error.status, error: error.message });
  }
}
