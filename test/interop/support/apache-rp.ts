// Apache httpd with mod_auth_openidc (Debian's packages) as a relying party on a loopback port:
// its own configuration in a temporary directory, a CGI "app" that prints the claims it is given,
// and locations guarded by `Require valid-user` and `Require claim roles:...`.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export interface ApacheRpOptions {
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The role `/protected/members` requires (`Require claim roles:<role>`). */
  requiredRole: string;
}

export interface ApacheRp {
  url: string;
  redirectUri: string;
  /** mod_auth_openidc's back-channel logout endpoint on the redirect URI. */
  backchannelLogoutUri: string;
  loggedOutUrl: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The "app" behind mod_auth_openidc: what it sees of the person, from the environment it is given. */
const WHOAMI = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
printf 'REMOTE_USER=%s\\n' "$REMOTE_USER"
env | grep '^OIDC_CLAIM_' | sort
`;

function configuration(dir: string, options: ApacheRpOptions, runAs: string): string {
  const url = `http://127.0.0.1:${options.port}`;
  // unixd (User, Group) is compiled in.
  const modules = ['mpm_event', 'authn_core', 'authz_core', 'authz_user', 'alias', 'cgid', 'mime', 'dir', 'auth_openidc'];
  return [
    `ServerName 127.0.0.1`,
    `Listen 127.0.0.1:${options.port}`,
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}/run`,
    `Mutex file:${dir}/run default`,
    `ScriptSock ${dir}/run/cgid.sock`,
    `ErrorLog ${dir}/error.log`,
    `LogLevel warn auth_openidc:info`,
    ...modules.map((name) => `LoadModule ${name}_module ${MODULES}/mod_${name}.so`),
    runAs,
    `TypesConfig /etc/mime.types`,
    `DocumentRoot ${dir}/htdocs`,
    `<Directory ${dir}/htdocs>`,
    `  Require all granted`,
    `</Directory>`,
    `ScriptAlias /protected/whoami ${dir}/cgi/whoami.cgi`,
    `ScriptAlias /protected/members/whoami ${dir}/cgi/whoami.cgi`,
    '',
    `OIDCProviderMetadataURL ${options.issuer}/.well-known/openid-configuration`,
    `OIDCClientID ${options.clientId}`,
    `OIDCClientSecret ${options.clientSecret}`,
    `OIDCRedirectURI ${url}/protected/redirect_uri`,
    `OIDCCryptoPassphrase ${randomBytes(24).toString('hex')}`,
    `OIDCScope "openid email offline_access"`,
    `OIDCPKCEMethod S256`,
    `OIDCRemoteUserClaim email`,
    `OIDCPassClaimsAs environment`,
    `OIDCDefaultLoggedOutURL ${url}/logged-out.html`,
    `OIDCInfoHook iat access_token access_token_expires id_token userinfo refresh_token session`,
    `<Location /protected>`,
    `  AuthType openid-connect`,
    `  Require valid-user`,
    `</Location>`,
    `<Location /protected/members>`,
    `  AuthType openid-connect`,
    `  Require claim roles:${options.requiredRole}`,
    `</Location>`,
    '',
  ].join('\n');
}

export async function startApacheRp(options: ApacheRpOptions): Promise<ApacheRp> {
  if (!existsSync(APACHE) || !existsSync(join(MODULES, 'mod_auth_openidc.so'))) {
    throw new Error('Apache with mod_auth_openidc is not installed: run .ci/install-interop.sh (interop tests never skip).');
  }
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-apache-'));
  // Apache drops root for its workers: they must reach the CGI script and the pages.
  chmodSync(dir, 0o755);
  for (const sub of ['htdocs', 'cgi', 'run']) mkdirSync(join(dir, sub), { mode: 0o755 });
  writeFileSync(join(dir, 'htdocs', 'index.html'), '<!doctype html><title>Apache RP</title><p>up</p>\n');
  writeFileSync(join(dir, 'htdocs', 'logged-out.html'), '<!doctype html><title>Signed out</title><h1 id="logged-out">Signed out of the Apache app</h1>\n');
  writeFileSync(join(dir, 'cgi', 'whoami.cgi'), WHOAMI, { mode: 0o755 });
  const runAs = process.getuid?.() === 0 ? 'User www-data\nGroup www-data' : '';
  writeFileSync(join(dir, 'httpd.conf'), configuration(dir, options, runAs));
  const url = `http://127.0.0.1:${options.port}`;

  const child: ChildProcess = spawn(APACHE, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');

  const deadline = Date.now() + 20_000;
  const refuse = (why: string): never => {
    const log = errorLog();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${why}:\n${output}\n${log}`);
  };
  for (;;) {
    if (gone) refuse('apache exited before it was ready');
    try {
      if ((await fetch(`${url}/index.html`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      refuse('apache not ready within the time limit');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    redirectUri: `${url}/protected/redirect_uri`,
    backchannelLogoutUri: `${url}/protected/redirect_uri?logout=backchannel`,
    loggedOutUrl: `${url}/logged-out.html`,
    errorLog,
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
