// The hosted pages' text and markup rules, checked on the templates themselves: every {{t}} key
// exists, filled-in values are escaped, and nothing needs an inline script or style (the CSP forbids them).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { t, type MessageKey } from '../../src/i18n/format-message.ts';
import { createViewEngine } from '../../src/views/view-engine.ts';
import { loadConfig } from '../../src/config.ts';
import { VIEWS_DIR } from '../../src/app.ts';

function templates(): { name: string; text: string }[] {
  const dirs = [VIEWS_DIR, join(VIEWS_DIR, 'partials')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.hbs'))
      .map((file) => ({ name: file, text: readFileSync(join(dir, file), 'utf8') })),
  );
}

test('every {{t "key"}} in the templates names a message', () => {
  const used = templates().flatMap(({ text }) => [...text.matchAll(/\{\{t "([a-z0-9_]+)"/g)].map((match) => match[1]!));
  expect(used.length).toBeGreaterThan(20);
  expect(used.filter((key) => !(key in MESSAGES))).toEqual([]);
});

test('no template carries an inline script, style element, style attribute or event handler', () => {
  const offenders = templates()
    .filter(({ text }) => /<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=/i.test(text))
    .map(({ name }) => name);
  expect(offenders).toEqual([]);
});

test('t fills {name} placeholders and refuses unknown keys', () => {
  expect(t('logout_question', { product: 'Acme' })).toBe('Do you want to sign out of Acme?');
  expect(t('label_email')).toBe('Email');
  expect(() => t('no_such_key' as MessageKey)).toThrow('no message with key no_such_key');
});

test('values filled into a message are escaped like any other', () => {
  const config = loadConfig({ env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'guestlist-views-')), PRODUCT_NAME: '<b>Acme</b> & co' } });
  const html = createViewEngine(config, VIEWS_DIR).render('logged-out', { title: 'Signed out' });
  expect(html).toContain('You have been signed out of &lt;b&gt;Acme&lt;/b&gt; &amp; co.');
  expect(html).not.toContain('<b>Acme</b>');
});
