// The sign-up step: the invite-gated form, and its submission that creates and signs in the account.
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';
import { assertCsrf } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { emailSchema, inviteTokenSchema, passwordSchema } from '../accounts/credential-schemas.ts';
import { upstreamButtonsFor, type InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, paramString, type LoadedInteraction } from './page-context.ts';
import { finishInteraction, signedUp } from './finish.ts';
import { secondFactorsEnabled } from '../mfa/mfa-policy.ts';
import { placeRefusal } from './refusal-placement.ts';
import { rememberVerification } from './verify-step.ts';
import type { SignUpInvite } from '../invites/invite-service.ts';

const FIELD_LABELS = { email: 'label_email', password: 'label_password', invite_token: 'label_invitation', phone_number: 'label_phone_number' } as const;

const INVITE_PAGE_STATUS = { unknown: 404, expired: 410, revoked: 410, used: 410 } as const;

interface SignUpForm {
  email: string;
  invite_token: string;
  phone_number?: string;
}

interface SignUpProblems {
  status?: number;
  error?: string;
  error_link?: { href: string; text: string };
  errors?: Partial<Record<'email' | 'password' | 'invite_token' | 'phone_number', string>>;
}

/**
 * Checks a token the page is about to show, through the invite service's limiter: every check
 * counts, a refused form's re-render included, or the page would be a free oracle for guessing.
 * A blocked address gets the limiter's 429 back instead of an answer.
 */
async function checkToken(deps: InteractionDeps, ctx: Context, token: string): Promise<SignUpInvite | AppError> {
  try {
    return await deps.invites.describeForSignUp(token, requestMeta(ctx));
  } catch (error) {
    if (error instanceof AppError && error.status === 429) return error;
    throw error;
  }
}

async function renderSignUp(
  deps: InteractionDeps,
  ctx: Context,
  loaded: LoadedInteraction,
  form: SignUpForm,
  problems: SignUpProblems = {},
  /** The token's check when the caller already made it; otherwise it is made (and counted) here. */
  checked?: SignUpInvite | AppError,
): Promise<void> {
  const uid = loaded.details.uid;
  let inviteValid = false;
  let lockedEmail: string | null = null;
  let takeover = false;
  let status = problems.status ?? 200;
  let error = problems.error;
  let errorLink = problems.error_link;
  const errors = { ...problems.errors };
  if (form.invite_token && !errors.invite_token) {
    const inspection = checked ?? (await checkToken(deps, ctx, form.invite_token));
    if (inspection instanceof AppError) {
      // Too many bad tokens from this address: say so, and say nothing about this token.
      ctx.set(inspection.headers);
      status = inspection.status;
      error = inspection.message;
      errorLink = undefined;
    } else if (inspection.state === 'valid') {
      inviteValid = true;
      lockedEmail = inspection.lockedEmail;
      // Someone registered the invitee's address without proving it: the invitee may take it over.
      takeover = Boolean(lockedEmail && inspection.accountUnproven);
      if (lockedEmail && !error && inspection.accountExists) {
        error = t('account_exists_offer');
        errorLink = { href: `/interaction/${uid}/login?email=${encodeURIComponent(lockedEmail)}`, text: t('signin_button') };
      }
    } else {
      errors.invite_token = t(`invite_${inspection.state}`);
      if (!problems.status) status = INVITE_PAGE_STATUS[inspection.state];
    }
  }
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = deps.views.render('signup', {
    title: t('signup_title'),
    uid,
    csrf: loaded.csrf,
    client_name: loaded.clientName,
    email: lockedEmail ?? form.email,
    email_locked: lockedEmail !== null,
    invite_token: form.invite_token,
    invite_valid: inviteValid,
    takeover_notice: takeover ? t('takeover_notice') : null,
    phone_required: deps.config.require_phone_verification,
    password_min: deps.config.password_min_length,
    phone_number: form.phone_number ?? '',
    error,
    error_link: errorLink,
    errors,
    upstream: upstreamButtonsFor(deps),
    // A passkey instead of a password: only where the sign-up needs no code (passkey-sign-up.ts).
    passkey:
      secondFactorsEnabled(deps.config) && !deps.config.require_phone_verification && (!deps.config.require_email_verification || lockedEmail !== null)
        ? { ceremony: 'sign-up', options_url: `/interaction/${uid}/passkey/sign-up/options`, finish_url: `/interaction/${uid}/passkey/sign-up`, csrf: loaded.csrf }
        : null,
  });
}

export async function showSignUp(deps: InteractionDeps, ctx: Context, loaded?: LoadedInteraction): Promise<void> {
  const interaction = loaded ?? (await loadInteraction(deps.provider, ctx));
  const inviteToken = deps.inviteTokenParam.open(interaction.details.params);
  // A token carried in the authorization request is one more way to guess: count it like the link
  // (once: the check is handed to the page; a blocked address gets the 429 error page).
  const checked = inviteToken ? await deps.invites.describeForSignUp(inviteToken, requestMeta(ctx)) : undefined;
  await renderSignUp(
    deps,
    ctx,
    interaction,
    {
      email: paramString(interaction.details, 'login_hint'),
      invite_token: inviteToken,
    },
    {},
    checked,
  );
}

const signUpFields = z.object({
  email: emailSchema,
  password: passwordSchema,
  invite_token: inviteTokenSchema.optional(),
  phone_number: z.string().max(32, 'is too long').optional(),
});

/** Where each refusal is shown: next to the field it concerns, or above the form. */
function problemsFor(error: AppError, uid: string, email: string): SignUpProblems {
  const { status, field, message: said } = placeRefusal(error);
  // The page's own sentence for a missing invitation: the waitlist's link sits below the form.
  const message = error.code === 'invite_required' ? t('invite_required') : said;
  // A malformed phone number (the only field the service itself checks) gets the field's own words.
  if (field === 'phone_number') return { status, errors: { phone_number: `${t('label_phone_number')} ${t('phone_number_invalid')}.` } };
  if (field === 'email' || field === 'invite_token') return { status, errors: { [field]: message } };
  // The password policy's refusal: its reason, beside the field (the strength hint, without JavaScript).
  if (field === 'password') return { status, errors: { password: `${t('label_password')} ${(error.details?.[0] as { message?: string } | undefined)?.message ?? message}.` } };
  if (error.code === 'email_taken') return { status, error: message, error_link: { href: `/interaction/${uid}/login?email=${encodeURIComponent(email)}`, text: t('signin_button') } };
  return { status, error: message };
}

export async function submitSignUp(deps: InteractionDeps, ctx: Context): Promise<void> {
  const loaded = await loadInteraction(deps.provider, ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  assertCsrf(ctx, body._csrf);
  // What the person typed comes back on every refusal (all but the password).
  const form: SignUpForm = {
    email: typeof body.email === 'string' ? body.email.slice(0, 254) : '',
    invite_token: typeof body.invite_token === 'string' ? body.invite_token.trim().slice(0, 200) : '',
    phone_number: typeof body.phone_number === 'string' ? body.phone_number.slice(0, 32) : '',
  };
  const parsed = signUpFields.safeParse(body);
  if (!parsed.success) {
    const errors: SignUpProblems['errors'] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as 'email' | 'password' | 'invite_token' | 'phone_number';
      errors[field] ??= `${t(FIELD_LABELS[field])} ${issue.message}.`;
    }
    // Refused before any sign-up, yet the token it carried is checked (and counted) for the page,
    // and the attempt is audited like every other.
    const checked = form.invite_token && !errors.invite_token ? await checkToken(deps, ctx, form.invite_token) : undefined;
    const inviteId = checked && !(checked instanceof AppError) ? checked.inviteId : null;
    await deps.signUp.recordRefusedForm(Object.keys(errors), inviteId, requestMeta(ctx));
    return renderSignUp(deps, ctx, loaded, form, { status: 400, errors }, checked);
  }
  try {
    const uid = loaded.details.uid;
    const outcome = await deps.signUp.start(
      { email: parsed.data.email, password: parsed.data.password, inviteToken: parsed.data.invite_token || null, phoneNumber: parsed.data.phone_number?.trim() || null, interactionUid: uid },
      requestMeta(ctx),
    );
    if (outcome.status === 'created') return await finishInteraction(deps.provider, ctx, signedUp(outcome.account.id));
    // Codes are on their way: the account waits for them on the code step.
    rememberVerification(ctx, uid, outcome.verificationId);
    ctx.status = 303;
    ctx.redirect(`/interaction/${uid}/verify`);
  } catch (error) {
    // Every exposed refusal (the SMS gateway's 503 too) is shown on the form, with what was typed.
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    return renderSignUp(deps, ctx, loaded, form, problemsFor(error, loaded.details.uid, parsed.data.email));
  }
}
