// /interaction/:uid/mfa and /interaction/:uid/passkey: the second-factor, enrolment and passkey
// steps of the hosted pages (forms, and JSON for the passkey script).
import type Router from '@koa/router';
import { koaBody } from 'koa-body';
import { createRouter } from '../security/strict-router.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { showSecondFactor, submitSecondFactor } from './second-factor-step.ts';
import { createBackupCodesStep, finishAfterBackupCodes, showBackupCodesStep, showEnrolment, skipEnrolment, submitTotpEnrolment } from './mfa-enrolment-step.ts';
import { passkeyRegister, passkeyRegisterOptions, passkeySignIn, passkeySignInOptions, passkeySignUp, passkeySignUpOptions } from './passkey-steps.ts';

export function mfaInteractionRoutes(deps: InteractionDeps): Router {
  const router = createRouter();
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '16kb' });
  // A WebAuthn answer is a few kilobytes (attestation "none"); nothing legitimate comes near this.
  const json = koaBody({ json: true, multipart: false, urlencoded: false, text: false, jsonLimit: '64kb' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/interaction/:uid/mfa', (ctx) => showSecondFactor(deps, ctx));
  router.post('/interaction/:uid/mfa', form, (ctx) => submitSecondFactor(deps, ctx));
  router.get('/interaction/:uid/mfa/enrol', (ctx) => showEnrolment(deps, ctx));
  router.post('/interaction/:uid/mfa/totp', form, (ctx) => submitTotpEnrolment(deps, ctx));
  router.post('/interaction/:uid/mfa/skip', form, (ctx) => skipEnrolment(deps, ctx));
  router.get('/interaction/:uid/mfa/backup-codes', (ctx) => showBackupCodesStep(deps, ctx));
  router.post('/interaction/:uid/mfa/backup-codes', form, (ctx) => createBackupCodesStep(deps, ctx));
  router.post('/interaction/:uid/mfa/done', form, (ctx) => finishAfterBackupCodes(deps, ctx));
  router.post('/interaction/:uid/passkey/sign-in/options', json, (ctx) => passkeySignInOptions(deps, ctx));
  router.post('/interaction/:uid/passkey/sign-in', json, (ctx) => passkeySignIn(deps, ctx));
  router.post('/interaction/:uid/passkey/register/options', json, (ctx) => passkeyRegisterOptions(deps, ctx));
  router.post('/interaction/:uid/passkey/register', json, (ctx) => passkeyRegister(deps, ctx));
  router.post('/interaction/:uid/passkey/sign-up/options', json, (ctx) => passkeySignUpOptions(deps, ctx));
  router.post('/interaction/:uid/passkey/sign-up', json, (ctx) => passkeySignUp(deps, ctx));
  return router;
}
