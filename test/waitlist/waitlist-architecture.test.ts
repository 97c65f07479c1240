// The waitlist's place in the house: its services know nothing of koa, and the routes and pages
// that serve it call those services, never the store.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/child-guestlist.ts';

const imports = (file: string) => [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]!);

test('the waitlist services never import koa', () => {
  const services = [...readdirSync(join(REPO_ROOT, 'src/waitlist')).map((file) => `src/waitlist/${file}`), 'src/mail/waitlist-mailer.ts'];
  expect(services.length).toBeGreaterThanOrEqual(6);
  const offending = services.flatMap((file) => imports(file).filter((path) => /^(koa|@koa\/)/.test(path)).map((path) => `${file} imports ${path}`));
  expect(offending).toEqual([]);
});

test('the waitlist routes and pages never import the store', () => {
  const routes = ['src/api/waitlist-routes.ts', 'src/admin/waitlist-routes.ts', 'src/admin/waitlist-schemas.ts', 'src/interaction/waitlist-page-routes.ts', 'src/console/waitlist-pages.ts'];
  const offending = routes.flatMap((file) => imports(file).filter((path) => path.includes('/store/')).map((path) => `${file} imports ${path}`));
  expect(offending).toEqual([]);
});
