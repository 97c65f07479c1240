// /interaction/:uid — the hosted pages oidc-provider sends people to, one step per file.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import { koaBody } from 'koa-body';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction, wantsSignUp } from './page-context.ts';
import { showSignIn, submitSignIn } from './sign-in-step.ts';
import { showSignUp, submitSignUp } from './sign-up-step.ts';
import { showConsent, submitConsent } from './consent-step.ts';
import { resendCode, showVerify, submitVerify } from './verify-step.ts';
import { finishInteraction } from './finish.ts';
import { showMfaPrompt } from './mfa-prompt-step.ts';

export function interactionRoutes(deps: InteractionDeps): Router {
  const router = createRouter();
  // Forms only; small limits: nothing legitimate here is larger than a few hundred bytes.
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '16kb' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/interaction/:uid', async (ctx) => {
    const loaded = await loadInteraction(deps.provider, ctx);
    const prompt = loaded.details.prompt.name;
    if (prompt === 'consent') return showConsent(deps, ctx, loaded);
    if (prompt === 'mfa') return showMfaPrompt(deps, ctx, loaded);
    if (prompt === 'create' || wantsSignUp(loaded.details)) return showSignUp(deps, ctx, loaded);
    return showSignIn(deps, ctx, loaded);
  });
  router.get('/interaction/:uid/signup', (ctx) => showSignUp(deps, ctx));
  router.get('/interaction/:uid/login', (ctx) => showSignIn(deps, ctx));
  router.post('/interaction/:uid/login', form, (ctx) => submitSignIn(deps, ctx));
  router.post('/interaction/:uid/register', form, (ctx) => submitSignUp(deps, ctx));
  router.get('/interaction/:uid/verify', (ctx) => showVerify(deps, ctx));
  router.post('/interaction/:uid/verify', form, (ctx) => submitVerify(deps, ctx));
  router.post('/interaction/:uid/verify/resend', form, (ctx) => resendCode(deps, ctx));
  router.post('/interaction/:uid/consent', form, (ctx) => submitConsent(deps, ctx));
  router.get('/interaction/:uid/abort', async (ctx) => {
    await loadInteraction(deps.provider, ctx);
    await finishInteraction(deps.provider, ctx, { error: 'access_denied', error_description: 'The person cancelled.' });
  });
  return router;
}
