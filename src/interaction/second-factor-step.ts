// The second-factor step: after a right password (or for a session made without the factor the
// account now has), a passkey, an authenticator-app code or a backup code completes the sign-in.
import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { authenticationOf } from '../mfa/authentication-methods.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, type LoadedInteraction } from './page-context.ts';
import { finishInteraction, signedIn, signedUp } from './finish.ts';
import { secondFactorSubject, type StepSubject } from './mfa-subjects.ts';

async function renderChallenge(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction, subject: StepSubject, problems: { status?: number; error?: string } = {}): Promise<void> {
  const [standing, backupCodes] = await Promise.all([deps.mfa.status.standingOf(subject.accountId), deps.mfa.backupCodes.left(subject.accountId)]);
  if (!standing) throw new AppError('account_disabled');
  const uid = loaded.details.uid;
  ctx.status = problems.status ?? 200;
  ctx.type = 'html';
  ctx.body = deps.views.render('mfa-challenge', {
    title: t('mfa_title'),
    uid,
    csrf: loaded.csrf,
    client_name: loaded.clientName,
    passkey: standing.passkeys > 0 ? { ceremony: 'second-factor', options_url: `/interaction/${uid}/passkey/sign-in/options`, finish_url: `/interaction/${uid}/passkey/sign-in`, csrf: loaded.csrf } : null,
    code_form: standing.totp || backupCodes > 0,
    error: problems.error,
  });
}

export async function showSecondFactor(deps: InteractionDeps, ctx: Context, loaded?: LoadedInteraction): Promise<void> {
  const interaction = loaded ?? (await loadInteraction(deps.provider, ctx));
  const subject = secondFactorSubject(deps, ctx, interaction);
  if (!subject) throw new AppError('challenge_expired');
  await renderChallenge(deps, ctx, interaction, subject);
}

/** The result that ends the sign-in: the factors used so far plus this one. */
export function completedSignIn(subject: StepSubject, methods: string[], options: { userVerifiedPasskey?: boolean } = {}) {
  const authentication = authenticationOf([...subject.amr, ...methods], options);
  const result = subject.signedUp ? signedUp(subject.accountId, authentication) : signedIn(subject.accountId, authentication);
  return { authentication, result: { ...result, mfa: { methods } } };
}

export async function submitSecondFactor(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  assertCsrf(ctx, body._csrf);
  const subject = secondFactorSubject(deps, ctx, loaded);
  if (!subject) throw new AppError('challenge_expired');
  const account = await deps.members.activeMember(subject.accountId);
  if (!account) throw new AppError('account_disabled');
  const code = typeof body.code === 'string' ? body.code : '';
  if (!code.trim()) return renderChallenge(deps, ctx, loaded, subject, { status: 400, error: t('code_required') });
  try {
    await deps.mfa.check.verifyCode(account, code, requestMeta(ctx));
  } catch (error) {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    return renderChallenge(deps, ctx, loaded, subject, { status: error.status, error: error.message });
  }
  deps.proofs.forget(ctx, loaded.details.uid);
  const { result, authentication } = completedSignIn(subject, ['otp']);
  await deps.mfa.recordSignIn(account.id, authentication, requestMeta(ctx));
  await finishInteraction(deps.provider, ctx, result);
}
