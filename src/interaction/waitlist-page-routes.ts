// The waitlist's hosted pages: the request form (/waitlist), the "check your email" page with its
// code form, and the confirmation link's page, which confirms only by its button (a POST).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { z } from 'zod';
import { createRouter } from '../security/strict-router.ts';
import { assertCsrf, csrfToken } from '../security/csrf.ts';
import { requestMeta } from '../security/request-context.ts';
import type { Config } from '../config.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import { AppError, notFound } from '../errors.ts';
import { t, type MessageKey } from '../i18n/format-message.ts';
import type { ConfirmationOutcome, WaitlistRequests } from '../waitlist/waitlist-requests.ts';
import { confirmationCode, requestId, waitlistRequestFields } from '../waitlist/waitlist-input.ts';
import { placeRefusal } from './refusal-placement.ts';

export interface WaitlistPageDeps {
  config: Pick<Config, 'waitlist_reason_prompt'>;
  waitlist: WaitlistRequests;
  views: ViewEngine;
}

type Field = 'email' | 'name' | 'reason' | 'code';
/** How a field's refusal starts ("Email must be..."); the reason's label is the operator's question, so it is named plainly. */
const FIELD_NAMES: Record<Exclude<Field, 'code'>, () => string> = { email: () => t('label_email'), name: () => 'Name', reason: () => 'The reason' };

interface FormValues {
  email: string;
  name: string;
  reason: string;
  ref: string;
}

interface Problems {
  status?: number;
  error?: string;
  errors?: Partial<Record<Field, string>>;
}

const requestForm = z.object(waitlistRequestFields);
const codeForm = z.object({ request_id: requestId, code: confirmationCode.min(1, 'Enter the code from the email.') });

/** What the person typed, kept to the lengths the form allows, for the form shown again. */
const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : '');

const OUTCOME_TEXT: Record<ConfirmationOutcome['status'], [MessageKey, MessageKey]> = {
  queued: ['waitlist_queued_title', 'waitlist_queued_lead'],
  invited: ['waitlist_invited_title', 'waitlist_invited_lead'],
  already_requested: ['waitlist_already_requested_title', 'waitlist_already_requested_lead'],
  already_invited: ['waitlist_already_invited_title', 'waitlist_already_invited_lead'],
  already_member: ['waitlist_already_member_title', 'waitlist_already_member_lead'],
};

export function waitlistPageRoutes({ config, waitlist, views }: WaitlistPageDeps): Router {
  const router = createRouter();
  // Forms only; the reason is the longest field (1,000 characters, up to 4 bytes each).
  const form = koaBody({ json: false, multipart: false, urlencoded: true, text: false, formLimit: '16kb' });

  router.use(async (ctx, next) => {
    // Switched off, none of these pages exist.
    if (!waitlist.isOpen()) throw notFound();
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  const page = (ctx: Context, view: string, title: string, data: Record<string, unknown>, status = 200) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = views.render(view, { title, csrf: csrfToken(ctx), ...data });
  };

  const showForm = (ctx: Context, values: FormValues, problems: Problems = {}) =>
    page(ctx, 'waitlist', t('waitlist_title'), { values, ref: values.ref, reason_prompt: config.waitlist_reason_prompt, error: problems.error, errors: problems.errors ?? {} }, problems.status);

  const showSent = (ctx: Context, email: string, id: string, problems: Problems = {}) =>
    page(ctx, 'waitlist-sent', t('waitlist_sent_title'), { email, request_id: id, error: problems.error, errors: problems.errors ?? {} }, problems.status);

  /** An exposed refusal as the page says it: beside its field, or above the form, with Retry-After kept. */
  function problemsOf(ctx: Context, error: unknown): Problems {
    if (!(error instanceof AppError) || !error.expose) throw error;
    ctx.set(error.headers);
    const { status, field, message } = placeRefusal(error);
    return field === 'email' || field === 'code' ? { status, errors: { [field]: message } } : { status, error: message };
  }

  router.get('/waitlist', (ctx) => showForm(ctx, { email: '', name: '', reason: '', ref: text(ctx.query.ref, 200) }));

  router.post('/waitlist', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body._csrf);
    const values: FormValues = { email: text(body.email, 254), name: text(body.name, 200), reason: text(body.reason, 1000), ref: text(body.ref, 200) };
    const parsed = requestForm.safeParse(body);
    if (!parsed.success) {
      const errors: Problems['errors'] = {};
      let error: string | undefined;
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        if (field in FIELD_NAMES) errors[field as keyof typeof FIELD_NAMES] ??= `${FIELD_NAMES[field as keyof typeof FIELD_NAMES]()} ${issue.message}.`;
        // The referral and the hidden field have no box to show a message beside.
        else error = t('invalid_request');
      }
      return showForm(ctx, values, { status: 400, errors, error });
    }
    try {
      const { requestId: id } = await waitlist.request({ email: parsed.data.email, name: parsed.data.name, reason: parsed.data.reason, ref: parsed.data.ref, honeypot: parsed.data.website }, requestMeta(ctx));
      showSent(ctx, parsed.data.email, id);
    } catch (error) {
      showForm(ctx, values, problemsOf(ctx, error));
    }
  });

  // Opening the link only shows the button: a mail scanner that opens it confirms nothing.
  router.get('/waitlist/confirm/:token', (ctx) => page(ctx, 'waitlist-confirm', t('waitlist_confirm_title'), { token: ctx.params.token }));

  router.post('/waitlist/confirm', form, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    assertCsrf(ctx, body._csrf);
    const byLink = typeof body.token === 'string' && body.token !== '';
    const email = text(body.email, 254);
    let outcome: ConfirmationOutcome;
    try {
      if (byLink) {
        outcome = await waitlist.confirm({ token: text(body.token, 200) }, requestMeta(ctx));
      } else {
        const parsed = codeForm.safeParse(body);
        if (!parsed.success) return showSent(ctx, email, text(body.request_id, 64), { status: 400, errors: { code: parsed.error.issues[0]!.message } });
        outcome = await waitlist.confirm({ requestId: parsed.data.request_id, code: parsed.data.code }, requestMeta(ctx));
      }
    } catch (error) {
      const problems = problemsOf(ctx, error);
      // A wrong or locked code goes back to its form; a link that no longer works gets its page.
      if (!byLink && problems.status !== 404) return showSent(ctx, email, text(body.request_id, 64), problems);
      return page(ctx, 'error', t('waitlist_confirm_title'), { heading: t('waitlist_confirm_title'), message: problems.error ?? problems.errors?.code, action: { href: '/waitlist', text: t('waitlist_offer_again') } }, problems.status);
    }
    const [heading, lead] = OUTCOME_TEXT[outcome.status];
    const ahead = 'ahead' in outcome && outcome.ahead !== null ? outcome.ahead : null;
    page(ctx, 'waitlist-result', t(heading), { heading: t(heading), lead: t(lead), status: outcome.status, ahead_text: ahead === null ? null : t('waitlist_position', { ahead }) });
  });

  return router;
}
