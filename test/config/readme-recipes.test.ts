// The README's key recipes work: the production command writes a set Guestlist accepts, with the
// RSA key it requires, and the rotation command puts a new RSA key first and keeps the others.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJwksFile } from '../../src/secrets/signing-keys.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The `node -e "..."` script of the README line that mentions `marker`. */
function nodeScript(marker: string): string {
  const line = readme.split('\n').find((text) => text.startsWith('node -e "') && text.includes(marker));
  if (!line) throw new Error(`no node -e line with ${marker} in the README`);
  return line.slice('node -e "'.length, line.lastIndexOf('"'));
}

test('the production command writes a JWKS with RSA, P-256 and Ed25519 keys that Guestlist accepts; the rotation command prepends an RSA key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestlist-readme-'));
  const written = execFileSync(process.execPath, ['-e', nodeScript('> secrets/jwks.json')], { encoding: 'utf8' });
  const jwks = parseJwksFile('secrets/jwks.json', written);
  expect(jwks.keys.map((key) => [key.kty, key.alg])).toEqual([
    ['RSA', 'RS256'],
    ['EC', 'ES256'],
    ['OKP', 'EdDSA'],
  ]);
  expect(jwks.keys.every((key) => typeof key.d === 'string')).toBe(true);

  const file = join(dir, 'secrets', 'jwks.json');
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(file, written);
  execFileSync(process.execPath, ['-e', nodeScript("const f='secrets/jwks.json'")], { cwd: dir });
  const rotated = parseJwksFile(file, readFileSync(file, 'utf8'));
  expect(rotated.keys).toHaveLength(4);
  expect(rotated.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
  expect(rotated.keys.slice(1).map((key) => key.kid)).toEqual(jwks.keys.map((key) => key.kid));
});
