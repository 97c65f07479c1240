// POST /api/register: the seed's CreateUser, for apps that bring their own sign-up form.
import Router from '@koa/router';
import { z } from 'zod';
import type { RegistrationService } from '../accounts/registration-service.ts';
import { emailSchema, inviteTokenSchema, passwordSchema } from '../accounts/credential-schemas.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';

export const registerBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  invite_token: inviteTokenSchema.optional().nullable(),
  phone_number: z.string({ error: 'must be a string' }).max(32, 'is too long').optional().nullable(),
});

export function registerRoutes({ registration }: { registration: RegistrationService }): Router {
  const router = new Router();
  router.post('/api/register', async (ctx) => {
    const body = parseInput(registerBody, ctx.request.body);
    const account = await registration.register(
      { email: body.email, password: body.password, inviteToken: body.invite_token ?? null, phoneNumber: body.phone_number ?? null },
      requestMeta(ctx),
    );
    ctx.status = 201;
    ctx.body = { message: 'User created successfully', sub: account.id };
  });
  return router;
}
