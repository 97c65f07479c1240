// POST /api/recovery, /api/recovery/verify and /api/recovery/complete: password recovery for apps
// that bring their own pages. The same rules as the hosted /recovery pages.
import type Router from '@koa/router';
import { z } from 'zod';
import { documentedRouter } from '../openapi/route-docs.ts';
import { jsonBody } from '../body-parsers.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import { emailSchema } from '../email-address.ts';
import type { RecoveryService } from '../recovery/recovery-service.ts';

export const recoveryRequestBody = z.object({ email: emailSchema }).meta({ id: 'RecoveryRequest' });
export const recoveryVerifyBody = z
  .object({
    recovery_id: z.string({ error: 'must be a string' }).min(1, 'is required').max(64, 'is not a recovery id'),
    code: z.string({ error: 'must be a string' }).trim().max(16, 'is not a code'),
  })
  .meta({ id: 'RecoveryVerify' });
export const recoveryCompleteBody = z
  .object({
    reset_token: z.string({ error: 'must be a string' }).max(100, 'is not a reset token'),
    // The policy (length, blocklist) answers 400 weak_password with its reason; this only bounds the input.
    password: z.string({ error: 'must be a string' }).max(1024, 'is too long'),
  })
  .meta({ id: 'RecoveryComplete' });

const requestedShape = z.object({ status: z.literal('code_sent'), recovery_id: z.string(), expires_in: z.number().int() }).meta({ id: 'RecoveryRequested' });
const verifiedShape = z.object({ reset_token: z.string(), expires_in: z.number().int() }).meta({ id: 'RecoveryVerified' });

export function recoveryRoutes({ recovery }: { recovery: RecoveryService }): Router {
  const { router, route } = documentedRouter();
  const json = jsonBody();

  route.post(
    '/api/recovery',
    {
      summary: 'Ask for a password-recovery code: the same answer for any address (a code goes out only to an active account)',
      body: recoveryRequestBody,
      responses: { 202: { description: 'accepted; if the address has an active account, a code is on its way', body: requestedShape } },
      errors: [400, 429],
    },
    json,
    async (ctx) => {
      const body = parseInput(recoveryRequestBody, ctx.request.body);
      const requested = await recovery.request(body.email, requestMeta(ctx));
      ctx.status = 202;
      ctx.body = { status: 'code_sent', recovery_id: requested.recoveryId, expires_in: requested.expiresInMinutes * 60 };
    },
  );

  route.post(
    '/api/recovery/verify',
    {
      summary: 'Trade the emailed code for a single-use reset token (5 wrong codes end the recovery)',
      body: recoveryVerifyBody,
      responses: { 200: { description: 'the code was right', body: verifiedShape } },
      errors: [400, 429],
    },
    json,
    async (ctx) => {
      const body = parseInput(recoveryVerifyBody, ctx.request.body);
      const verified = await recovery.verify({ recoveryId: body.recovery_id, code: body.code }, requestMeta(ctx));
      ctx.body = { reset_token: verified.resetToken, expires_in: verified.expiresInSeconds };
    },
  );

  route.post(
    '/api/recovery/complete',
    {
      summary: 'Set a new password with a reset token; every session, grant and refresh token of the account ends',
      body: recoveryCompleteBody,
      responses: { 204: { description: 'the password was changed; sign in with it' } },
      errors: [400],
    },
    json,
    async (ctx) => {
      const body = parseInput(recoveryCompleteBody, ctx.request.body);
      await recovery.complete({ resetToken: body.reset_token, password: body.password }, requestMeta(ctx));
      ctx.status = 204;
    },
  );
  return router;
}
