// The configuration: one zod schema, read once at boot from the environment and an optional JSON file.
// This is the only module that reads process.env.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { upstreamProvidersSchema } from './upstream-provider-config.ts';

type EnvKind = 'bool' | 'int' | 'list' | 'string' | 'json';

interface Option<S extends z.ZodType> {
  schema: S;
  env: EnvKind;
  /** What the option is for; also what a bad value's error message explains. */
  doc: string;
}

const option = <S extends z.ZodType>(schema: S, env: EnvKind, doc: string): Option<S> => ({ schema, env, doc });

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/** A whole number from 1 to `max`: days, minutes or a count of attempts. */
const countUpTo = (max: number) => z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);
const count = z.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more');

/** An email domain as an operator writes it (`example.com` or `@example.com`), kept bare and lower-case. */
const domainEntry = z.string().trim().toLowerCase().transform((value) => value.replace(/^@/, '')).pipe(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain like example.com'));

/** Every option, its type, default and meaning: the single source of truth. */
export const OPTIONS = {
  enable_invite_only: option(z.boolean({ error: 'must be true or false' }).default(true), 'bool', 'sign-up requires a valid invitation'),
  invite_link_expiry: option(countUpTo(365).default(7), 'int', 'days until a new invitation expires'),
  max_invites_per_user: option(count.default(5), 'int', 'invitations one member may create (admins: no limit)'),
  member_invites_per_day: option(countUpTo(100000).default(20), 'int', 'invitations one member may send in 24 hours, revoked ones included (admins: no limit)'),
  invitation_whitelist_emails: option(
    z.array(z.string().trim().toLowerCase().regex(/^(@?[a-z0-9.-]+\.[a-z]{2,}|[^@\s]+@[a-z0-9.-]+\.[a-z]{2,})$/, 'must be example.com, @example.com or alice@example.org')).default([]),
    'list',
    'domains or addresses that sign up without an invitation',
  ),
  issuer: option(url.default('http://localhost:3000').transform((value) => value.replace(/\/+$/, '')), 'string', 'public base URL; every link is built from it'),
  port: option(z.number({ error: 'must be a port number' }).int().min(0).max(65535, 'must be a port number').default(3000), 'int', 'listen port'),
  data_dir: option(z.string().min(1).default('./data'), 'string', 'embedded store, generated development secrets, mail outbox'),
  mongodb_uri: option(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI').optional(), 'string', 'use MongoDB instead of the embedded store'),
  admin_client_id: option(z.string().min(1).optional(), 'string', 'client id of the admin (client_credentials) client'),
  admin_client_secret: option(z.string().min(32, 'must be at least 32 characters').optional(), 'string', 'secret of the admin client'),
  clients_file: option(z.string().min(1).optional(), 'string', 'JSON array of OIDC client metadata (relying parties)'),
  jwks_file: option(z.string().min(1).optional(), 'string', 'JSON Web Key Set with the private signing keys (required in production)'),
  cookie_keys: option(z.array(z.string().min(32, 'each key must be at least 32 characters')).optional(), 'list', 'keys that sign cookies, newest first (required in production)'),
  smtp_url: option(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(), 'string', 'where mail goes; unset: .eml files in data_dir/outbox'),
  mail_from: option(z.string().min(3).default('Guestlist <no-reply@localhost>'), 'string', 'sender of every email'),
  product_name: option(z.string().min(1).max(60).default('Guestlist'), 'string', 'name shown on pages and emails'),
  logo_url: option(url.optional(), 'string', 'logo shown on pages and emails'),
  accent_color: option(z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5').default('#4f46e5'), 'string', 'accent colour of pages and emails'),
  support_email: option(z.email('must be an email address').optional(), 'string', 'support address shown in emails'),
  invite_email_subject: option(z.string().min(1).max(200).default("You're invited to {{product_name}}"), 'string', 'subject of the invitation email (Handlebars)'),
  require_email_verification: option(z.boolean({ error: 'must be true or false' }).default(false), 'bool', 'an email the invite did not bind must be proven with a code'),
  require_phone_verification: option(z.boolean({ error: 'must be true or false' }).default(false), 'bool', 'sign-up asks for a phone number and a code sent to it'),
  sms_webhook_url: option(url.optional(), 'string', 'SMS gateway; unset: messages in data_dir/outbox'),
  webhook_url: option(url.optional(), 'string', 'every audit event is POSTed here'),
  webhook_secret: option(z.string().min(16, 'must be at least 16 characters').optional(), 'string', 'HMAC-SHA256 key for X-Guestlist-Signature'),
  alert_webhook_url: option(url.optional(), 'string', 'security.alert events are POSTed here too'),
  audit_retention_days: option(countUpTo(36500).default(365), 'int', 'audit events older than this are dropped'),
  failed_job_retention_days: option(countUpTo(3650).default(30), 'int', 'mail and webhook jobs given up on are kept this many days (for inspection), then dropped'),
  redemption_retention_days: option(countUpTo(36500).default(365), 'int', 'redemption records (email and address of who used an invite) older than this are dropped'),
  trust_proxy: option(z.boolean({ error: 'must be true or false' }).default(false), 'bool', 'take the client address from X-Forwarded-For'),
  rate_limit_window_minutes: option(countUpTo(1440).default(15), 'int', 'length of every rate-limit window'),
  rate_limit_invite_failures: option(countUpTo(100000).default(10), 'int', 'bad invitation tokens per address and window'),
  rate_limit_registrations: option(countUpTo(100000).default(30), 'int', 'sign-up attempts per address and window'),
  rate_limit_invite_lookups: option(countUpTo(100000).default(60), 'int', 'invitation checks per address and window'),
  rate_limit_login_failures: option(countUpTo(1000).default(5), 'int', 'failed sign-ins per account and address before a lockout'),
  rate_limit_login_failures_per_address: option(countUpTo(100000).default(20), 'int', 'failed sign-ins per address and window, across accounts'),
  rate_limit_code_failures: option(countUpTo(1000).default(10), 'int', 'wrong verification codes per address and window'),
  // Upstream identity providers (federation/): usually set in the config file; the env takes JSON.
  upstream_providers: option(upstreamProvidersSchema.default([]), 'json', 'identity providers people may join and sign in with (see "Upstream identity providers")'),
  // The waitlist (people without an invitation ask for one; approval is an invitation).
  enable_waitlist: option(z.boolean({ error: 'must be true or false' }).default(false), 'bool', 'people without an invitation may ask for one at /waitlist and POST /api/waitlist'),
  waitlist_reason_prompt: option(z.string().trim().min(1).max(200, 'must be at most 200 characters').default('Why would you like to join?'), 'string', 'the question above the optional reason field of the waitlist form'),
  waitlist_blocked_domains: option(z.array(domainEntry).default([]), 'list', 'email domains (and their subdomains) that may not ask for an invitation'),
  waitlist_block_disposable: option(z.boolean({ error: 'must be true or false' }).default(true), 'bool', 'refuse disposable email domains on the waitlist (the maintained list of disposable-email-domains-js)'),
  waitlist_auto_approve_domains: option(z.array(domainEntry).default([]), 'list', 'confirmed requests from these exact email domains get their invitation at once'),
  waitlist_show_position: option(z.boolean({ error: 'must be true or false' }).default(false), 'bool', 'the confirmation page says how many requests are ahead in the queue'),
  rate_limit_waitlist_requests: option(countUpTo(100000).default(10), 'int', 'waitlist requests per address and window'),
  rate_limit_waitlist_per_email: option(countUpTo(1000).default(3), 'int', 'waitlist requests (confirmation emails) per email address and day'),
  // Accounts after sign-up: the password policy, recovery and self-service.
  password_min_length: option(z.number({ error: 'must be a whole number' }).int('must be a whole number').min(8, 'must be at least 8 (NIST SP 800-63B)').max(64, 'must be at most 64').default(8), 'int', 'fewest characters a password may have (at most 256 are accepted)'),
  recovery_code_minutes: option(z.number({ error: 'must be a whole number' }).int('must be a whole number').min(5, 'must be at least 5').max(60, 'must be at most 60').default(15), 'int', 'minutes a password-recovery code stays valid'),
  rate_limit_recovery_requests: option(countUpTo(100000).default(10), 'int', 'password-recovery requests per address and window'),
  rate_limit_recovery_per_email: option(countUpTo(1000).default(3), 'int', 'recovery codes sent to one email per window'),
  rate_limit_recovery_per_email_daily: option(countUpTo(1000).default(10), 'int', 'recovery codes sent to one email per 24 hours'),
  email_change_invited: option(z.enum(['admin', 'self'], { error: "must be 'admin' or 'self'" }).default('admin'), 'string', "who may move an account admitted by an email-bound invitation to another address: 'admin' (PUT /admin/users/{id}/email) or 'self' too"),
  // Second factors and passkeys (src/mfa/).
  mfa: option(z.enum(['off', 'optional', 'required'], { error: 'must be off, optional or required' }).default('optional'), 'string', 'second factors (passkeys, authenticator apps): off, optional (offered) or required for everyone'),
  mfa_required_roles: option(z.array(z.string().trim().min(1).max(100)).default([]), 'list', 'roles whose members must have a second factor (env: comma list)'),
  log_level: option(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), 'string', 'log verbosity'),
} as const;

type Options = typeof OPTIONS;
export type Config = Readonly<{ [K in keyof Options]: z.output<Options[K]['schema']> }> & {
  readonly production: boolean;
};

const schema = z.strictObject(
  Object.fromEntries(Object.entries(OPTIONS).map(([key, opt]) => [key, opt.schema])) as { [K in keyof Options]: Options[K]['schema'] },
);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function fromEnv(kind: EnvKind, raw: string): unknown {
  const value = raw.trim();
  switch (kind) {
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(value)) return true;
      if (/^(false|0|no|off)$/i.test(value)) return false;
      return value; // left for zod to refuse with the option's name
    case 'int':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'list':
      return value === '' ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
    case 'string':
      return value;
    case 'json':
      try {
        return JSON.parse(value);
      } catch {
        return value; // left for zod to refuse with the option's name
      }
  }
}

/**
 * `NAME_FILE=/run/secrets/x` reads the option from that file (its content, trimmed): how secrets
 * (`docker compose` secrets, Kubernetes volumes) reach the process without sitting in its environment.
 */
function fromEnvOrFile(env: Record<string, string | undefined>, name: string, readFile: (path: string) => string): string | undefined {
  const path = env[`${name}_FILE`];
  if (path === undefined || path === '') return env[name];
  if (env[name] !== undefined && env[name] !== '') throw new ConfigError(`Invalid configuration: set ${name} or ${name}_FILE, not both`);
  try {
    return readFile(path).trim();
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Reads the JSON file named by GUESTLIST_CONFIG and NAME_FILE secrets; injectable for tests. */
  readFile?: (path: string) => string;
}

/** Reads, validates and freezes the configuration; throws ConfigError naming the bad option. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const raw: Record<string, unknown> = {};
  // Values read from NAME_FILE are secrets: an error names the option, never echoes the value.
  const fromFiles = new Set<string>();
  for (const [key, opt] of Object.entries(OPTIONS)) {
    if (env[`${key.toUpperCase()}_FILE`]) fromFiles.add(key);
    const value = fromEnvOrFile(env, key.toUpperCase(), readFile);
    if (value !== undefined && value !== '') raw[key] = fromEnv(opt.env, value);
  }
  const file = env.GUESTLIST_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFile(file));
    } catch (error) {
      throw new ConfigError(`GUESTLIST_CONFIG: cannot read ${file} as JSON (${(error as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`GUESTLIST_CONFIG: ${file} must hold a JSON object`);
    Object.assign(raw, parsed);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      if (issue.code === 'unrecognized_keys') return `unknown option(s) ${issue.keys.join(', ')}`;
      const opt = (OPTIONS as Record<string, Option<z.ZodType>>)[key];
      // A nested value is named by its path; the provider entries hold secrets, so they are never echoed.
      const where = key !== 'upstream_providers' ? '' : issue.path.slice(1).map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
      const got = raw[key] === undefined || fromFiles.has(key) || key === 'upstream_providers' ? '' : `; got ${JSON.stringify(raw[key])}`;
      return `${key}${where} (${key.toUpperCase()}) ${issue.message.startsWith('must') ? issue.message : `is invalid: ${issue.message}`}${got}${opt ? ` — ${opt.doc}` : ''}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  // With second factors off, a role that requires one could never sign in: say so at start.
  if (result.data.mfa === 'off' && result.data.mfa_required_roles.length) {
    throw new ConfigError('Invalid configuration:\n  mfa_required_roles (MFA_REQUIRED_ROLES) must be empty while mfa (MFA) is off — roles whose members must have a second factor');
  }
  const config = { ...result.data, production: env.NODE_ENV === 'production' } as Config;
  if (config.production) assertProductionReady(config);
  return Object.freeze(config);
}

/** Generated development secrets would be a silent security hole in production, an outbox a silent loss: refuse them. */
function assertProductionReady(config: Config): void {
  const missing = [
    !config.jwks_file && 'jwks_file (JWKS_FILE)',
    !config.cookie_keys?.length && 'cookie_keys (COOKIE_KEYS)',
    !config.admin_client_id && 'admin_client_id (ADMIN_CLIENT_ID)',
    !config.admin_client_secret && 'admin_client_secret (ADMIN_CLIENT_SECRET)',
    (config.webhook_url || config.alert_webhook_url) && !config.webhook_secret && 'webhook_secret (WEBHOOK_SECRET), since a webhook URL is set',
  ].filter(Boolean);
  if (missing.length) {
    throw new ConfigError(`Invalid configuration: NODE_ENV=production refuses generated secrets; set ${missing.join(', ')}`);
  }
  // Without these, mail and texts go to files in data_dir/outbox: inside a container, nobody reads
  // them, and every invitation and code is silently lost.
  const undelivered = [
    !config.smtp_url && 'smtp_url (SMTP_URL)',
    config.require_phone_verification && !config.sms_webhook_url && 'sms_webhook_url (SMS_WEBHOOK_URL), since require_phone_verification is on',
  ].filter(Boolean);
  if (undelivered.length) {
    throw new ConfigError(`Invalid configuration: NODE_ENV=production needs real delivery, not the outbox folder; set ${undelivered.join(', ')}`);
  }
  if (!config.issuer.startsWith('https://')) {
    throw new ConfigError('Invalid configuration: issuer (ISSUER) must be an https:// URL in production');
  }
  const plainUpstream = config.upstream_providers.find((provider) => !provider.issuer.startsWith('https://'));
  if (plainUpstream) throw new ConfigError(`Invalid configuration: upstream_providers "${plainUpstream.id}": issuer must be an https:// URL in production`);
}

/**
 * For process entry points (the server, migrate, the command line): a configuration mistake stops
 * the start with its message on stderr and exit 78 (EX_CONFIG), never a stack trace.
 */
export async function exitOnConfigError<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
