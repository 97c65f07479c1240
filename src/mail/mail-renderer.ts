// Renders the email templates (templates/emails) into subject, HTML and text; compiled once, at creation.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Config } from '../config.ts';
import type { MailMessage } from './mail-transport.ts';
import { humanUtc } from './human-date.ts';
import { ACCOUNT_MAIL_TEMPLATES, accountMailContext, type AccountMailRequest, type AccountMailTemplate } from './account-mails.ts';

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/emails/', import.meta.url));

export type MailBranding = Pick<Config, 'product_name' | 'logo_url' | 'accent_color' | 'support_email' | 'invite_email_subject'>;

export interface InvitationMail {
  to: string;
  /** Who invites, as the invitee should read it: a name or an email, or the product for an admin client. */
  inviter: string;
  /** The relying party's client_name when the invite names a client; the product name otherwise. */
  appName?: string | null;
  expiresAt: Date;
  /** The invite's note: typed by an admin or member, so always escaped. */
  note?: string | null;
  /** The invitation link, built from the issuer. */
  link: string;
}

export interface VerificationCodeMail {
  to: string;
  code: string;
  expiresInMinutes: number;
}

/** Confirms a waitlist request: a link (confirmed on the page it opens, by a button) and a code. */
export interface WaitlistConfirmationMail {
  to: string;
  link: string;
  code: string;
  expiresInHours: number;
}

/** The invitation a waitlist request was granted. */
export interface WaitlistInvitationMail {
  to: string;
  /** The name the person gave on the form, if any: typed by them, so always escaped. */
  name: string | null;
  appName?: string | null;
  expiresAt: Date;
  link: string;
}

export interface WaitlistDeniedMail {
  to: string;
  name: string | null;
}

/** To the member whose second factors an administrator removed. */
export interface MfaResetMail {
  to: string;
}

/** What can be asked of the renderer (and of the queue, which renders before it stores). */
export type MailRequest =
  | ({ template: 'invitation' } & InvitationMail)
  | ({ template: 'verification-code' } & VerificationCodeMail)
  | ({ template: 'waitlist-confirmation' } & WaitlistConfirmationMail)
  | ({ template: 'waitlist-invitation' } & WaitlistInvitationMail)
  | ({ template: 'waitlist-denied' } & WaitlistDeniedMail)
  | AccountMailRequest
  | ({ template: 'mfa-reset' } & MfaResetMail);

export interface MailRenderer {
  render(request: MailRequest): MailMessage;
}

type Compiled = Handlebars.TemplateDelegate<Record<string, unknown>>;

interface EmailTemplates {
  subject: Compiled;
  html: Compiled;
  text: Compiled;
}

// Subjects must be one line: a newline in a header is a header injection.
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

export function createMailRenderer(options: { branding: MailBranding; templatesDir?: string }): MailRenderer {
  const dir = options.templatesDir ?? DEFAULT_TEMPLATES_DIR;
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  // Two isolated instances: HTML escapes, while text and subjects are not HTML, where escaping
  // would only turn "A & B" into "A &amp; B". Neither ever renders into the other.
  const html = Handlebars.create();
  const plain = Handlebars.create();
  // preventIndent: a partial would otherwise indent every line of a multi-line note.
  const compileHtml = (source: string): Compiled => html.compile(source, { preventIndent: true });
  const compilePlain = (source: string): Compiled => plain.compile(source, { noEscape: true, preventIndent: true });

  const partialsDir = join(dir, 'partials');
  for (const file of readdirSync(partialsDir)) {
    const match = /^(.+)\.(html|text)\.hbs$/.exec(file);
    if (!match) continue;
    const [, name, kind] = match as unknown as [string, string, 'html' | 'text'];
    (kind === 'html' ? html : plain).registerPartial(name, readFileSync(join(partialsDir, file), 'utf8'));
  }

  const brand = {
    product_name: options.branding.product_name,
    logo_url: options.branding.logo_url ?? null,
    accent_color: options.branding.accent_color,
    support_email: options.branding.support_email ?? null,
  };

  const load = (name: string, subject: string): EmailTemplates => {
    const templates = { subject: compilePlain(subject), html: compileHtml(read(`${name}.html.hbs`)), text: compilePlain(read(`${name}.text.hbs`)) };
    // Handlebars compiles lazily: render once now so a broken template stops the boot, not a send.
    const probe = { ...brand, to: '', subject: '' };
    templates.subject(probe);
    templates.html(probe);
    templates.text(probe);
    return templates;
  };

  const loadInvitation = (): EmailTemplates => {
    try {
      compilePlain(options.branding.invite_email_subject)(brand);
    } catch (error) {
      // Name the option, as config errors do: the operator typed this one.
      throw new Error(`invite_email_subject (INVITE_EMAIL_SUBJECT) is not a valid Handlebars template: ${(error as Error).message}`);
    }
    return load('invitation', options.branding.invite_email_subject);
  };

  const templates = {
    invitation: loadInvitation(),
    'verification-code': load('verification-code', read('verification-code.subject.hbs')),
    'waitlist-confirmation': load('waitlist-confirmation', read('waitlist-confirmation.subject.hbs')),
    'waitlist-invitation': load('waitlist-invitation', read('waitlist-invitation.subject.hbs')),
    'waitlist-denied': load('waitlist-denied', read('waitlist-denied.subject.hbs')),
    ...(Object.fromEntries(ACCOUNT_MAIL_TEMPLATES.map((name) => [name, load(name, read(`${name}.subject.hbs`))])) as Record<AccountMailTemplate, EmailTemplates>),
    'mfa-reset': load('mfa-reset', read('mfa-reset.subject.hbs')),
  } satisfies Record<MailRequest['template'], EmailTemplates>;

  const contextFor = (request: MailRequest): Record<string, unknown> => {
    switch (request.template) {
      case 'invitation': {
        const appName = request.appName || brand.product_name;
        return {
          ...brand,
          inviter: request.inviter,
          app_name: appName,
          expires_at: humanUtc(request.expiresAt),
          note: request.note?.trim() || null,
          link: request.link,
          preheader: `${request.inviter} invited you to ${appName}`,
        };
      }
      case 'verification-code':
        return { ...brand, code: request.code, expires_in_minutes: request.expiresInMinutes };
      case 'mfa-reset':
        return { ...brand };
      case 'waitlist-confirmation':
        return { ...brand, link: request.link, code: request.code, expires_in_hours: request.expiresInHours, preheader: `Confirm your request to join ${brand.product_name}` };
      case 'waitlist-invitation': {
        const appName = request.appName || brand.product_name;
        return { ...brand, name: request.name?.trim() || null, app_name: appName, expires_at: humanUtc(request.expiresAt), link: request.link, preheader: `Your invitation to ${appName} is here` };
      }
      case 'waitlist-denied':
        return { ...brand, name: request.name?.trim() || null, preheader: `About your request to join ${brand.product_name}` };
      default:
        return { ...brand, ...accountMailContext(request) };
    }
  };

  return {
    render(request) {
      const set = templates[request.template];
      const context = contextFor(request);
      const subject = oneLine(set.subject(context));
      const full = { ...context, subject };
      return { to: request.to, subject, html: set.html(full), text: set.text(full).replace(/\n{3,}/g, '\n\n') };
    },
  };
}
