// docker-compose.yml is safe as shipped: only the TLS proxy is published, images are pinned,
// MongoDB authenticates (keyFile, root password from a secret), and every secret is a file read
// through a *_FILE option, never an environment value. (`docker compose config` validates the syntax.)
import { readFileSync } from 'node:fs';

const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
/** Each top-level service's block of text, by name. */
const services = Object.fromEntries(
  compose
    .split(/^services:$/m)[1]!
    .split(/^(?=\S)/m)[0]!
    .split(/^ {2}(?=[a-z][\w-]*:$)/m)
    .filter((block) => block.trim())
    .map((block) => [block.slice(0, block.indexOf(':')), block]),
);

test('only the TLS proxy publishes ports; the nodes that trust X-Forwarded-For are not reachable directly', () => {
  expect(Object.keys(services).sort()).toEqual(['caddy', 'guestlist', 'mongo']);
  expect(services.caddy).toMatch(/ports:\n(\s+- "\d+:\d+(\/udp)?"\n)*\s+- "443:443"/);
  expect(services.guestlist).toContain('TRUST_PROXY: "true"');
  expect(services.guestlist).not.toMatch(/^\s+ports:/m);
  expect(services.mongo).not.toMatch(/^\s+ports:/m);
});

test('every image is pinned to a version', () => {
  const images = [...compose.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]!);
  expect(images).toHaveLength(3);
  for (const image of images) expect(image).toMatch(/:\d+\.\d+\.\d+(-[a-z]+)?$/);
  for (const from of readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8').matchAll(/^FROM (\S+)/gm)) expect(from[1]).toMatch(/:\d+\.\d+\.\d+-/);
});

test('MongoDB runs with a keyFile, a root user from a secret, and an app user of its own', () => {
  expect(services.mongo).toContain('"--keyFile"');
  expect(services.mongo).toContain('MONGO_INITDB_ROOT_PASSWORD_FILE: /run/secrets/mongo_root_password');
  expect(services.mongo).toContain('create-app-user.js:/docker-entrypoint-initdb.d/');
  const init = readFileSync(new URL('../../deploy/mongo/create-app-user.js', import.meta.url), 'utf8');
  expect(init).toMatch(/createUser\(\{ user: 'guestlist'/);
  expect(init).not.toMatch(/role: 'root'|dbOwner|readWriteAnyDatabase|dbAdminAnyDatabase/);
  // Healthy means a writable primary, not merely "the shell answered".
  expect(readFileSync(new URL('../../deploy/mongo/healthcheck.js', import.meta.url), 'utf8')).toContain('isWritablePrimary');
});

test('secrets reach the app as files through *_FILE options, never as environment values', () => {
  for (const name of ['COOKIE_KEYS', 'ADMIN_CLIENT_SECRET', 'SMTP_URL', 'MONGODB_URI']) {
    expect(services.guestlist).toContain(`${name}_FILE: /run/secrets/`);
    expect(services.guestlist).not.toMatch(new RegExp(`^\\s+${name}:`, 'm'));
  }
  const declared = [...compose.split(/^secrets:$/m)[1]!.matchAll(/^ {2}([\w.]+):\n {4}file: (\S+)$/gm)].map((m) => [m[1], m[2]]);
  expect(declared.length).toBeGreaterThanOrEqual(8);
  for (const [, file] of declared) expect(file).toMatch(/^\.\/secrets\//);
  expect(readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8').split('\n')).toContain('secrets');
});
