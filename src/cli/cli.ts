// The command line for scripts and break-glass access, like Keycloak's kcadm or Mastodon's
// tootctl: invite, list, revoke, disable and enable, against the configured store through the
// same services and rules as the API, each change audited with the actor `cli`.
import { parseArgs } from 'node:util';
import { createInviteBody, listInvitesQuery, toCreateInviteInput } from '../admin/invite-schemas.ts';
import { presentInvite } from '../admin/invite-presenter.ts';
import type { RequestMeta } from '../audit/request-meta.ts';
import { AppError, errorBody } from '../errors.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import { inviteStatus } from '../invites/invite-status.ts';
import type { Services } from '../services.ts';

export const CLI_ACTOR = 'cli';

export const USAGE = `Usage: guestlist <command> [options]

  invite <email> [--roles r1,r2] [--max-uses n] [--expires-in-days n] [--app client_id] [--note text] [--no-email] [--json]
  invite --open [--roles ...] [--max-uses n] ...   an invitation anyone with the link may use
      Creates an invitation and prints its link (shown only this once).
  list [--status pending|redeemed|expired|revoked] [--email e] [--limit n] [--json]
  revoke <invitation id>
  disable <email or account id>      ends their sessions and tokens; sign-in is refused
  enable <email or account id>

Runs against the configured store (the same environment and GUESTLIST_CONFIG as the server).
Every change is audited with the actor "cli".
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliDeps {
  services: Pick<Services, 'invites' | 'accountAdmin'>;
  issuer: string;
  clock: () => Date;
}

/** Exit codes: 0 done, 1 refused (the API's 4xx), 64 a usage mistake (EX_USAGE). */
export const EXIT = { ok: 0, refused: 1, usage: 64 } as const;

const CLI_META: RequestMeta = { ip: null, userAgent: 'guestlist-cli', requestId: null, via: 'cli' };
const cliActor = { id: CLI_ACTOR, kind: 'admin' as const };

class UsageError extends Error {}

function whole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

export async function runCli(argv: string[], io: CliIo, { services, issuer, clock }: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'invite':
        return await invite(rest);
      case 'list':
        return await list(rest);
      case 'revoke':
        return await revoke(rest);
      case 'disable':
      case 'enable':
        return await setDisabled(command, rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`guestlist: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof AppError && error.expose) {
      const { body } = errorBody(error);
      const details = (body.details ?? []).map((d) => `  ${(d as { path?: string }).path}: ${(d as { message?: string }).message}`).join('\n');
      io.err(`guestlist: ${body.error}: ${body.message}${details ? `\n${details}` : ''}\n`);
      return EXIT.refused;
    }
    throw error;
  }

  async function invite(args: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        roles: { type: 'string' },
        'max-uses': { type: 'string' },
        'expires-in-days': { type: 'string' },
        app: { type: 'string' },
        note: { type: 'string' },
        'no-email': { type: 'boolean' },
        open: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    if (positionals.length > 1) throw new UsageError('invite takes one email');
    if (!positionals.length && !values.open) throw new UsageError('invite needs an email, or --open for an invitation anyone with the link may use');
    if (positionals.length && values.open) throw new UsageError('an --open invitation has no email');
    // The API's own schema: the command line follows the same rules.
    const body = createInviteBody.safeParse({
      email: positionals[0] ?? null,
      roles: values.roles?.split(',').map((role) => role.trim()).filter(Boolean),
      max_uses: whole('max-uses', values['max-uses']),
      expires_in_days: whole('expires-in-days', values['expires-in-days']),
      client_id: values.app ?? null,
      note: values.note ?? null,
      send_email: !values['no-email'],
    });
    if (!body.success) throw new AppError('invalid_request', { details: body.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
    const { invite: created, token } = await services.invites.create(toCreateInviteInput(body.data), cliActor, CLI_META);
    if (values.json) {
      io.out(`${JSON.stringify(presentInvite(created, clock(), { token, issuer }))}\n`);
    } else {
      io.out(`${inviteUrl(issuer, token)}\n`);
      io.err(`Invitation ${created.id} for ${created.email ?? 'anyone with the link'}${created.roles.length ? ` (roles: ${created.roles.join(', ')})` : ''}, expires ${created.expiresAt.toISOString()}.${created.email && body.data.send_email ? ' The email is queued.' : ''} The link is shown only this once.\n`);
    }
    return EXIT.ok;
  }

  async function list(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { status: { type: 'string' }, email: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
    const query = listInvitesQuery.safeParse({ status: values.status, email: values.email, limit: values.limit ?? '50' });
    if (!query.success) throw new UsageError(query.error.issues.map((issue) => `--${issue.path.join('.')} ${issue.message}`).join('; '));
    const page = await services.invites.list({ status: query.data.status, email: query.data.email?.trim().toLowerCase() }, { limit: query.data.limit });
    const now = clock();
    if (values.json) {
      for (const item of page.items) io.out(`${JSON.stringify(presentInvite(item, now))}\n`);
      return EXIT.ok;
    }
    for (const item of page.items) {
      io.out(`${[item.id, inviteStatus(item, now).padEnd(8), `${item.uses}/${item.maxUses}`.padEnd(7), item.expiresAt.toISOString(), item.email ?? '(open)', item.roles.join(',')].join('  ')}\n`);
    }
    if (page.nextCursor) io.err(`(the newest ${page.items.length}; --limit shows more)\n`);
    return EXIT.ok;
  }

  async function revoke(args: string[]): Promise<number> {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError('revoke takes one invitation id');
    const revoked = await services.invites.revoke(positionals[0]!, cliActor, CLI_META);
    io.out(`Revoked ${revoked.id}${revoked.email ? ` (${revoked.email})` : ''}.\n`);
    return EXIT.ok;
  }

  async function setDisabled(command: 'disable' | 'enable', args: string[]): Promise<number> {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError(`${command} takes one email or account id`);
    const who = positionals[0]!;
    const id = who.includes('@') ? (await services.accountAdmin.list({ email: who }, { limit: 1 })).items[0]?.id : who;
    if (!id) throw new AppError('not_found', { message: `No account has the email ${who}.` });
    const account = command === 'disable' ? await services.accountAdmin.disable(id, CLI_ACTOR, CLI_META) : await services.accountAdmin.enable(id, CLI_ACTOR, CLI_META);
    io.out(`${command === 'disable' ? 'Disabled' : 'Enabled'} ${account.email} (${account.id}).\n`);
    return EXIT.ok;
  }
}
