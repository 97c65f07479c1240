// Adding a second factor inside a sign-in, when the `mfa` prompt asks for one: required by the
// policy (or by the app's acr_values), or offered once after sign-up (and then skippable). Then
// the backup codes, shown once, and the sign-in goes on with two factors.
import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { authenticationOf } from '../mfa/authentication-methods.ts';
import type { TotpDraft } from '../mfa/totp-service.ts';
import { OFFER_DECLINED } from '../oidc/mfa-prompt.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, type LoadedInteraction } from './page-context.ts';
import { finishInteraction, signedIn, signedUp } from './finish.ts';
import { enrolmentSubject } from './mfa-subjects.ts';

async function enrolledAccount(deps: InteractionDeps, loaded: LoadedInteraction) {
  const subject = enrolmentSubject(loaded);
  const account = subject ? await deps.members.activeMember(subject.accountId) : null;
  if (!subject || !account) throw new AppError('challenge_expired');
  return { subject, account };
}

async function renderEnrolment(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction, draft?: TotpDraft | null, problems: { status?: number; error?: string } = {}): Promise<void> {
  const { subject, account } = await enrolledAccount(deps, loaded);
  const uid = loaded.details.uid;
  const totp = draft ?? (await deps.mfa.totp.begin(account));
  ctx.status = problems.status ?? 200;
  ctx.type = 'html';
  ctx.body = deps.views.render('mfa-enrol', {
    title: t('mfa_enrol_title'),
    uid,
    csrf: loaded.csrf,
    client_name: loaded.clientName,
    required: subject.required,
    passkey: { ceremony: 'register', options_url: `/interaction/${uid}/passkey/register/options`, finish_url: `/interaction/${uid}/passkey/register`, csrf: loaded.csrf },
    totp: { action: `/interaction/${uid}/mfa/totp`, qr: totp.qrDataUrl, secret: totp.secret, sealed: totp.sealed, csrf: loaded.csrf, error: problems.error },
    error: problems.error,
  });
}

export async function showEnrolment(deps: InteractionDeps, ctx: Context, loaded?: LoadedInteraction): Promise<void> {
  await renderEnrolment(deps, ctx, loaded ?? (await loadInteraction(deps.provider, ctx)));
}

export async function submitTotpEnrolment(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  assertCsrf(ctx, body._csrf);
  const { subject, account } = await enrolledAccount(deps, loaded);
  const sealed = typeof body.totp_draft === 'string' ? body.totp_draft.slice(0, 1000) : '';
  const code = typeof body.code === 'string' ? body.code.slice(0, 16) : '';
  try {
    await deps.mfa.totp.confirm(account, sealed, code, requestMeta(ctx));
  } catch (error) {
    if (!(error instanceof AppError) || !error.expose) throw error;
    // The same secret again (the app already holds it), unless the draft itself was the problem.
    const draft = await deps.mfa.totp.reopen(account, sealed);
    return renderEnrolment(deps, ctx, loaded, draft, { status: error.status, error: error.message });
  }
  const uid = loaded.details.uid;
  deps.proofs.remember(ctx, { uid, accountId: account.id, ...authenticationOf([...subject.amr, 'otp']), next: 'backup_codes', signedUp: false });
  ctx.status = 303;
  ctx.redirect(`/interaction/${uid}/mfa/backup-codes`);
}

export async function skipEnrolment(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  assertCsrf(ctx, (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
  const subject = enrolmentSubject(loaded);
  // Only an offer may be declined: a required factor has no way around it.
  if (!subject || subject.required) throw new AppError('challenge_expired');
  await finishInteraction(deps.provider, ctx, { [OFFER_DECLINED]: true, mfa: { skipped: true } });
}

/** The proof this interaction finished signing in and is on its way through the backup codes. */
function finishedProof(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction) {
  const proof = deps.proofs.read(ctx, loaded.details.uid);
  if (proof?.next !== 'backup_codes') throw new AppError('challenge_expired');
  return proof;
}

async function renderBackupCodes(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction, codes: string[] | null): Promise<void> {
  const proof = finishedProof(deps, ctx, loaded);
  const uid = loaded.details.uid;
  ctx.type = 'html';
  ctx.body = deps.views.render('mfa-backup-codes', {
    title: t('mfa_backup_title'),
    uid,
    csrf: loaded.csrf,
    codes,
    left: codes ? null : await deps.mfa.backupCodes.left(proof.accountId),
    show_action: `/interaction/${uid}/mfa/backup-codes`,
    continue_action: `/interaction/${uid}/mfa/done`,
  });
}

export async function showBackupCodesStep(deps: InteractionDeps, ctx: Context): Promise<void> {
  await renderBackupCodes(deps, ctx, await loadInteraction(deps.provider, ctx), null);
}

/** New codes, shown in this answer only (never by a GET, which a reload or a prefetch would repeat). */
export async function createBackupCodesStep(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  assertCsrf(ctx, (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
  const proof = finishedProof(deps, ctx, loaded);
  const codes = await deps.mfa.backupCodes.regenerate(proof.accountId, proof.accountId, requestMeta(ctx));
  await renderBackupCodes(deps, ctx, loaded, codes);
}

export async function finishAfterBackupCodes(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  assertCsrf(ctx, (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
  const proof = finishedProof(deps, ctx, loaded);
  deps.proofs.forget(ctx, loaded.details.uid);
  const authentication = { amr: proof.amr, acr: proof.acr };
  const result = proof.signedUp ? signedUp(proof.accountId, authentication) : signedIn(proof.accountId, authentication);
  await finishInteraction(deps.provider, ctx, { ...result, mfa: { enrolled: true } });
}
