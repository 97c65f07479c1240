// POST /api/waitlist and /api/waitlist/confirm: the waitlist for apps with their own front end.
// The first answers 202 the same for any address; only the proof from the email says more.
import type Router from '@koa/router';
import { z } from 'zod';
import { documentedRouter } from '../openapi/route-docs.ts';
import { jsonBody } from '../body-parsers.ts';
import { parseInput } from '../validation.ts';
import { requestMeta } from '../security/request-context.ts';
import type { WaitlistRequests } from '../waitlist/waitlist-requests.ts';
import { confirmationCode, requestId, waitlistRequestBody } from '../waitlist/waitlist-input.ts';

export const waitlistConfirmBody = z
  .object({
    token: z.string({ error: 'must be a string' }).max(200, 'is not a confirmation token').optional(),
    request_id: requestId.optional(),
    code: confirmationCode.optional(),
  })
  .refine((body) => (body.token ? !body.request_id && !body.code : Boolean(body.request_id && body.code)), 'give either token (from the link) or request_id and code')
  .meta({ id: 'WaitlistConfirmation' });

const acceptedShape = z.object({ status: z.literal('confirmation_sent'), request_id: z.string().describe('with the emailed code, confirms at /api/waitlist/confirm') });
const outcomeShape = z.object({
  status: z.enum(['queued', 'invited', 'already_requested', 'already_invited', 'already_member']),
  ahead: z.number().int().optional().describe('pending requests ahead of this one, with waitlist_show_position'),
});

export function waitlistApiRoutes({ waitlist }: { waitlist: WaitlistRequests }): Router {
  const { router, route } = documentedRouter();
  const json = jsonBody();

  route.post(
    '/api/waitlist',
    {
      summary: 'Ask for an invitation (enable_waitlist): a confirmation link and code go to the email',
      body: waitlistRequestBody,
      responses: { 202: { description: 'the same answer for any address', body: acceptedShape } },
      errors: [400, 404, 429],
    },
    json,
    async (ctx) => {
      const body = parseInput(waitlistRequestBody, ctx.request.body);
      const { requestId: id } = await waitlist.request({ email: body.email, name: body.name, reason: body.reason, ref: body.ref, honeypot: body.website }, requestMeta(ctx));
      ctx.status = 202;
      ctx.body = { status: 'confirmation_sent', request_id: id };
    },
  );

  route.post(
    '/api/waitlist/confirm',
    {
      summary: "Confirm a waitlist request with the link's token, or the request id and the emailed code",
      body: waitlistConfirmBody,
      responses: { 200: { description: 'confirmed: where the address stands', body: outcomeShape } },
      errors: [400, 404, 429],
    },
    json,
    async (ctx) => {
      const body = parseInput(waitlistConfirmBody, ctx.request.body);
      const proof = body.token ? { token: body.token } : { requestId: body.request_id!, code: body.code! };
      const outcome = await waitlist.confirm(proof, requestMeta(ctx));
      ctx.body = { status: outcome.status, ...('ahead' in outcome && outcome.ahead !== null ? { ahead: outcome.ahead } : {}) };
    },
  );
  return router;
}
