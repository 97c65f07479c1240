// The console's place in the house: it calls services and never the store, and the services it
// added know nothing of koa.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/child-guestlist.ts';

const files = (dir: string) => readdirSync(join(REPO_ROOT, dir)).filter((file) => file.endsWith('.ts')).map((file) => join(dir, file));
const imports = (file: string) => [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]!);

test('no console module imports the store', () => {
  const offending = files('src/console').flatMap((file) => imports(file).filter((path) => path.includes('/store/')).map((path) => `${file} imports ${path}`));
  expect(offending).toEqual([]);
  expect(files('src/console').length).toBeGreaterThan(10);
});

test('the services behind the console and the command line never import koa', () => {
  const services = [
    'src/accounts/console-access.ts',
    'src/security/console-roles.ts',
    'src/accounts/account-admin-service.ts',
    'src/security/console-sessions.ts',
    'src/security/lockout-report.ts',
    'src/audit/overview-stats.ts',
    'src/jobs/delivery-admin.ts',
    'src/mfa/mfa-admin.ts',
    'src/mfa/factor-management.ts',
    'src/recovery/recovery-service.ts',
    'src/cli/cli.ts',
  ];
  const offending = services.flatMap((file) => imports(file).filter((path) => /^(koa|@koa\/)/.test(path)).map((path) => `${file} imports ${path}`));
  expect(offending).toEqual([]);
});
