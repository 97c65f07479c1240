// The README's upstream provider examples are configurations Guestlist accepts, as written.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Upstream identity providers'), readme.indexOf('## Webhooks'));
const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!.replaceAll('…', 'x'.repeat(8))) as Record<string, unknown>);

test('every example in the README section loads, with the preset it names', () => {
  expect(examples.length).toBe(4);
  for (const example of examples) {
    const file = 'upstream_providers' in example ? example : { upstream_providers: [example] };
    const config = loadConfig({ env: { GUESTLIST_CONFIG: '/c.json' }, readFile: () => JSON.stringify(file) });
    const [provider] = config.upstream_providers;
    expect(provider!.preset).toBe((file.upstream_providers as Array<{ preset?: string }>)[0]!.preset ?? null);
  }
});
