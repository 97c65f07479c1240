// The code step of a hosted sign-up: the page asking for the email and/or phone code, its
// submission (which creates the account and signs the person in), and "send a new code".
import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, type LoadedInteraction } from './page-context.ts';
import { finishInteraction, signedUp } from './finish.ts';
import { placeRefusal } from './refusal-placement.ts';

/** The pending sign-up's id rides in a signed cookie, so it never shows in a URL or a log line. */
const COOKIE = 'gl.verification';

type CodeField = 'email_code' | 'phone_code';

interface VerifyProblems {
  status?: number;
  error?: string;
  error_link?: { href: string; text: string };
  errors?: Partial<Record<CodeField, string>>;
  notice?: string;
}

export function rememberVerification(ctx: Context, uid: string, verificationId: string): void {
  ctx.cookies.set(COOKIE, verificationId, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: `/interaction/${uid}`, overwrite: true });
}

function forgetVerification(ctx: Context, uid: string): void {
  ctx.cookies.set(COOKIE, null, { signed: true, path: `/interaction/${uid}`, overwrite: true });
}

function verificationIdOf(ctx: Context): string | null {
  return ctx.cookies.get(COOKIE, { signed: true }) ?? null;
}

/** A refusal that ends this pending sign-up: shown above the page, with where to go next. */
function gone(error: AppError, uid: string): VerifyProblems {
  if (error.code === 'conflict' || error.code === 'email_taken') {
    return { status: error.status, error: error.message, error_link: { href: `/interaction/${uid}/login`, text: t('signin_button') } };
  }
  return { status: error.status, error: error.message };
}

async function renderVerify(deps: InteractionDeps, ctx: Context, loaded: LoadedInteraction, problems: VerifyProblems = {}): Promise<void> {
  const uid = loaded.details.uid;
  const id = verificationIdOf(ctx);
  let described: Awaited<ReturnType<InteractionDeps['signUp']['describe']>> | null = null;
  let ended: VerifyProblems | null = null;
  if (!id) {
    ended = { status: 404, error: t('verification_not_found') };
  } else {
    try {
      described = await deps.signUp.describe(id, uid);
    } catch (error) {
      if (!(error instanceof AppError) || !error.expose) throw error;
      ctx.set(error.headers);
      ended = gone(error, uid);
    }
  }
  // With the form still there, the submission's refusal is shown beside its fields; once the pending
  // sign-up has ended (the wrong code that locked it, say), why it ended is what the person must read.
  const shown: VerifyProblems = described || problems.error ? problems : { ...ended, status: problems.status ?? ended?.status };
  ctx.status = shown.status ?? 200;
  ctx.type = 'html';
  ctx.body = deps.views.render('verify', {
    title: t('verify_heading'),
    uid,
    csrf: loaded.csrf,
    client_name: loaded.clientName,
    gone: described === null,
    needs_email: described?.channels.includes('email') ?? false,
    needs_phone: described?.channels.includes('phone') ?? false,
    email_help: described ? t('verify_lead_email').replace('{email}', described.email) : '',
    phone_help: described?.phoneNumber ? t('verify_lead_phone').replace('{phone}', described.phoneNumber) : '',
    notice: shown.notice,
    error: shown.error,
    error_link: shown.error_link,
    errors: shown.errors ?? {},
  });
}

export async function showVerify(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  await renderVerify(deps, ctx, loaded);
}

const field = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 16) : null);

export async function submitVerify(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  assertCsrf(ctx, body._csrf);
  const uid = loaded.details.uid;
  const id = verificationIdOf(ctx);
  if (!id) return renderVerify(deps, ctx, loaded);
  try {
    const account = await deps.signUp.verify({ verificationId: id, emailCode: field(body.email_code), phoneCode: field(body.phone_code), interactionUid: uid }, requestMeta(ctx));
    forgetVerification(ctx, uid);
    await finishInteraction(deps.provider, ctx, signedUp(account.id));
  } catch (error) {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    return renderVerify(deps, ctx, loaded, await problemsFor(deps, error, id, uid));
  }
}

/** Where each refusal of a submitted code is shown: next to the code fields, or above the form. */
async function problemsFor(deps: InteractionDeps, error: AppError, id: string, uid: string): Promise<VerifyProblems> {
  const { status, field, message } = placeRefusal(error);
  if (field === 'code') {
    // Which of two codes was wrong is not said: the person re-types both.
    const channels = (await deps.signUp.describe(id, uid).catch(() => null))?.channels ?? [];
    const errors: VerifyProblems['errors'] = {};
    for (const channel of channels) errors[`${channel}_code`] = message;
    return { status, errors };
  }
  if (field === 'email_code' || field === 'phone_code') {
    // Every code the sign-up still needs is named, each beside its own field.
    const errors: VerifyProblems['errors'] = {};
    for (const detail of (error.details ?? []) as Array<{ path?: string }>) {
      if (detail.path === 'email_code' || detail.path === 'phone_code') errors[detail.path] = t('code_required');
    }
    return { status, errors };
  }
  return gone(error, uid);
}

export async function resendCode(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  assertCsrf(ctx, (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
  const id = verificationIdOf(ctx);
  if (!id) return renderVerify(deps, ctx, loaded);
  try {
    await deps.signUp.resend(id, requestMeta(ctx), { interactionUid: loaded.details.uid });
  } catch (error) {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    return renderVerify(deps, ctx, loaded, { status: error.status, error: error.message });
  }
  return renderVerify(deps, ctx, loaded, { notice: t('code_sent_again') });
}
