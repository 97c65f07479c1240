// POST /api/register (the seed's CreateUser) and, when sign-up needs codes, /api/register/verify
// and /api/register/resend: for apps that bring their own sign-up form.
import type Router from '@koa/router';
import { createRouter } from '../security/strict-router.ts';
import { jsonBody } from '../body-parsers.ts';
import { z } from 'zod';
import type { VerificationService } from '../verification/verification-service.ts';
import { emailSchema, inviteTokenSchema, passwordSchema } from '../accounts/credential-schemas.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';

export const registerBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  invite_token: inviteTokenSchema.optional().nullable(),
  phone_number: z.string({ error: 'must be a string' }).max(32, 'is too long').optional().nullable(),
});

const verificationId = z.string({ error: 'must be a string' }).min(1, 'is required').max(64, 'is not a verification id');
const code = z.string({ error: 'must be a string' }).trim().max(16, 'is not a code');

export const verifyBody = z.object({
  verification_id: verificationId,
  email_code: code.optional().nullable(),
  phone_code: code.optional().nullable(),
});

export const resendBody = z.object({ verification_id: verificationId });

const created = (sub: string) => ({ message: 'User created successfully', sub });

export function registerRoutes({ verification }: { verification: VerificationService }): Router {
  const router = createRouter();
  const json = jsonBody();
  router.post('/api/register', json, async (ctx) => {
    const body = parseInput(registerBody, ctx.request.body);
    const outcome = await verification.signUp(
      { email: body.email, password: body.password, inviteToken: body.invite_token ?? null, phoneNumber: body.phone_number ?? null },
      requestMeta(ctx),
    );
    if (outcome.status === 'created') {
      ctx.status = 201;
      ctx.body = created(outcome.account.id);
      return;
    }
    ctx.status = 202;
    ctx.body = { status: 'verification_required', verification_id: outcome.verificationId, channels: outcome.channels };
  });

  router.post('/api/register/verify', json, async (ctx) => {
    const body = parseInput(verifyBody, ctx.request.body);
    const account = await verification.verify(
      { verificationId: body.verification_id, emailCode: body.email_code ?? null, phoneCode: body.phone_code ?? null },
      requestMeta(ctx),
    );
    ctx.status = 201;
    ctx.body = created(account.id);
  });

  router.post('/api/register/resend', json, async (ctx) => {
    const body = parseInput(resendBody, ctx.request.body);
    const outcome = await verification.resend(body.verification_id, requestMeta(ctx));
    ctx.status = 202;
    ctx.body = { status: 'verification_required', verification_id: outcome.verificationId, channels: outcome.channels };
  });
  return router;
}
