// The passkey ceremonies of the hosted pages, answered over JSON to the page's script
// (assets/passkeys.js): sign in with a passkey (alone, or as the second factor), add one when the
// `mfa` prompt asks for a factor, and sign up with one instead of a password.
import type { Context } from 'koa';
import { AppError, badRequest } from '../errors.ts';
import { assertCsrf } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import { authenticationOf, passkeyMethod } from '../mfa/authentication-methods.ts';
import { secondFactorsEnabled } from '../mfa/mfa-policy.ts';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../mfa/webauthn.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, type LoadedInteraction } from './page-context.ts';
import { resumeUrl, signedIn } from './finish.ts';
import { enrolmentSubject, secondFactorSubject } from './mfa-subjects.ts';
import { completedSignIn } from './second-factor-step.ts';
import { emailSchema } from '../accounts/credential-schemas.ts';

/** The JSON body, after its CSRF token: the page's script sends the form's token with every call. */
async function jsonStep(deps: InteractionDeps, ctx: Context): Promise<{ loaded: LoadedInteraction; body: Record<string, unknown> }> {
  if (!secondFactorsEnabled(deps.config)) throw new AppError('not_found');
  const loaded = await loadInteraction(deps.provider, ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  assertCsrf(ctx, body._csrf);
  ctx.set('Cache-Control', 'no-store');
  return { loaded, body };
}

const answer = (ctx: Context, start: { challengeId: string; options: unknown }) => {
  ctx.body = { challenge_id: start.challengeId, options: start.options };
};

/** What the browser sent back: an object, or a 400 before any verification. */
function credentialOf(body: Record<string, unknown>): Record<string, unknown> {
  const response = body.response;
  if (!response || typeof response !== 'object' || Array.isArray(response)) throw badRequest([{ path: 'response', message: 'is required' }]);
  return response as Record<string, unknown>;
}

export async function passkeySignInOptions(deps: InteractionDeps, ctx: Context): Promise<void> {
  const { loaded, body } = await jsonStep(deps, ctx);
  const uid = loaded.details.uid;
  if (body.mode === 'second_factor') {
    const subject = secondFactorSubject(deps, ctx, loaded);
    if (!subject) throw new AppError('challenge_expired');
    return answer(ctx, await deps.mfa.passkeys.startSignIn({ accountId: subject.accountId, interactionUid: uid }));
  }
  answer(ctx, await deps.mfa.passkeys.startSignIn({ accountId: null, interactionUid: uid }));
}

export async function passkeySignIn(deps: InteractionDeps, ctx: Context): Promise<void> {
  const { loaded, body } = await jsonStep(deps, ctx);
  const uid = loaded.details.uid;
  const meta = requestMeta(ctx);
  const signIn = await deps.mfa.passkeys.finishSignIn({ challengeId: body.challenge_id, response: credentialOf(body) as unknown as AuthenticationResponseJSON, interactionUid: uid }, meta);
  const account = await deps.members.activeMember(signIn.accountId);
  if (!account) throw new AppError('account_disabled');
  const method = passkeyMethod(signIn.passkey.deviceType);
  let finished;
  if (signIn.passwordless) {
    // The device verified the person (required for this ceremony): the passkey is both factors.
    const authentication = authenticationOf([method], { userVerifiedPasskey: signIn.userVerified });
    finished = { authentication, result: { ...signedIn(account.id, authentication), mfa: { methods: [method] } } };
  } else {
    const subject = secondFactorSubject(deps, ctx, loaded);
    if (!subject || subject.accountId !== account.id) throw new AppError('challenge_expired');
    await deps.mfa.check.passkeyPassed(account, meta);
    finished = completedSignIn(subject, [method]);
  }
  deps.proofs.forget(ctx, uid);
  await deps.mfa.recordSignIn(account.id, finished.authentication, meta);
  ctx.body = { location: await resumeUrl(deps.provider, ctx, finished.result) };
}

export async function passkeyRegisterOptions(deps: InteractionDeps, ctx: Context): Promise<void> {
  const { loaded } = await jsonStep(deps, ctx);
  const subject = enrolmentSubject(loaded);
  const account = subject ? await deps.members.activeMember(subject.accountId) : null;
  if (!account) throw new AppError('challenge_expired');
  answer(ctx, await deps.mfa.passkeys.startRegistration({ accountId: account.id, email: account.email, purpose: 'register', interactionUid: loaded.details.uid }));
}

export async function passkeyRegister(deps: InteractionDeps, ctx: Context): Promise<void> {
  const { loaded, body } = await jsonStep(deps, ctx);
  const subject = enrolmentSubject(loaded);
  if (!subject) throw new AppError('challenge_expired');
  const uid = loaded.details.uid;
  const { passkey } = await deps.mfa.passkeys.finishRegistration(
    { challengeId: body.challenge_id, response: credentialOf(body) as unknown as RegistrationResponseJSON, name: body.name, purpose: 'register', interactionUid: uid, accountId: subject.accountId },
    requestMeta(ctx),
  );
  // Signed in before, and the new passkey was just proved: the session now has two factors.
  const authentication = authenticationOf([...subject.amr, passkeyMethod(passkey.deviceType)]);
  deps.proofs.remember(ctx, { uid, accountId: subject.accountId, ...authentication, next: 'backup_codes', signedUp: false });
  ctx.body = { location: `/interaction/${uid}/mfa/backup-codes` };
}

export async function passkeySignUpOptions(deps: InteractionDeps, ctx: Context): Promise<void> {
  const { loaded, body } = await jsonStep(deps, ctx);
  const email = emailSchema.safeParse(body.email);
  if (!email.success) throw badRequest([{ path: 'email', message: 'is not a valid email address' }]);
  const inviteToken = typeof body.invite_token === 'string' && body.invite_token.trim() ? body.invite_token.trim().slice(0, 200) : null;
  answer(ctx, await deps.mfa.passkeySignUp.start({ email: email.data, inviteToken, interactionUid: loaded.details.uid }, requestMeta(ctx)));
}

export async function passkeySignUp(deps: InteractionDeps, ctx: Context): Promise<void> {
  const { loaded, body } = await jsonStep(deps, ctx);
  const uid = loaded.details.uid;
  const { account, passkey } = await deps.mfa.passkeySignUp.finish({ challengeId: body.challenge_id, response: credentialOf(body) as unknown as RegistrationResponseJSON, interactionUid: uid }, requestMeta(ctx));
  // The passkey verified its user at registration (required for a sign-up): it is both factors.
  const authentication = authenticationOf([passkeyMethod(passkey.deviceType)], { userVerifiedPasskey: true });
  deps.proofs.remember(ctx, { uid, accountId: account.id, ...authentication, next: 'backup_codes', signedUp: true });
  ctx.body = { location: `/interaction/${uid}/mfa/backup-codes` };
}
