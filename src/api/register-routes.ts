// POST /api/register (the seed's CreateUser) and, when sign-up needs codes, /api/register/verify
// and /api/register/resend: for apps that bring their own sign-up form.
import type Router from '@koa/router';
import { documentedRouter } from '../openapi/route-docs.ts';
import { jsonBody } from '../body-parsers.ts';
import { z } from 'zod';
import type { SignUpService } from '../signup/signup-service.ts';
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
const createdShape = z.object({ message: z.string(), sub: z.string() });
const verificationRequiredShape = z.object({ status: z.literal('verification_required'), verification_id: z.string(), channels: z.array(z.enum(['email', 'phone'])) });

export function registerRoutes({ signUp }: { signUp: SignUpService }): Router {
  const { router, route } = documentedRouter();
  const json = jsonBody();
  route.post(
    '/api/register',
    {
      summary: 'Create an account with an invitation',
      body: registerBody,
      responses: { 201: { description: 'created', body: createdShape }, 202: { description: 'a code was sent; finish at /api/register/verify', body: verificationRequiredShape } },
      errors: [400, 403, 409, 429, 503],
    },
    json,
    async (ctx) => {
    const body = parseInput(registerBody, ctx.request.body);
    const outcome = await signUp.start(
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

  route.post('/api/register/verify', { summary: 'Finish a sign-up with the codes sent', body: verifyBody, responses: { 201: { description: 'created', body: createdShape } }, errors: [400, 403, 404, 409, 429] }, json, async (ctx) => {
    const body = parseInput(verifyBody, ctx.request.body);
    const account = await signUp.verify(
      { verificationId: body.verification_id, emailCode: body.email_code ?? null, phoneCode: body.phone_code ?? null },
      requestMeta(ctx),
    );
    ctx.status = 201;
    ctx.body = created(account.id);
  });

  route.post('/api/register/resend', { summary: 'Send new codes for a pending sign-up (the old ones stop working)', body: resendBody, responses: { 202: { description: 'new codes sent', body: verificationRequiredShape } }, errors: [400, 404, 409, 429, 503] }, json, async (ctx) => {
    const body = parseInput(resendBody, ctx.request.body);
    const outcome = await signUp.resend(body.verification_id, requestMeta(ctx));
    ctx.status = 202;
    ctx.body = { status: 'verification_required', verification_id: outcome.verificationId, channels: outcome.channels };
  });
  return router;
}
