// The README's configuration table names every option the schema knows, so the two cannot drift.
import { readFileSync } from 'node:fs';
import { OPTIONS } from '../../src/config.ts';

test('every configuration option is documented in the README table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const missing = Object.keys(OPTIONS).filter((key) => !readme.includes(`| \`${key}\` / \`${key.toUpperCase()}\` |`));
  expect(missing).toEqual([]);
});
