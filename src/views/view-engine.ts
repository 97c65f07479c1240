// Handlebars for the hosted pages: views from interactions/, one layout, partials, branding.
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../config.ts';
import { isMessageKey, t } from '../i18n/format-message.ts';

export interface ViewEngine {
  /** Renders `view` inside the layout. `data` is escaped unless a template says otherwise. */
  render(view: string, data: Record<string, unknown>): string;
}

export function createViewEngine(config: Config, dir: string): ViewEngine {
  const hbs = Handlebars.create();
  const partialsDir = join(dir, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
      hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
    }
  }
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // {{#if (or a b)}}: the last argument is Handlebars' options object.
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  // {{t "key" name=value}}: the text from messages.ts with {name} filled in. The result is a plain
  // string, so Handlebars escapes it like any other value (the filled-in values included).
  hbs.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => {
    // A template names its keys as strings: an unknown one is a bug in the template, so it throws.
    if (!isMessageKey(key)) throw new Error(`i18n: no message with key ${key}`);
    return t(key, options.hash as Record<string, unknown>);
  });

  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
    compiled.set(basename(file, '.hbs'), hbs.compile(readFileSync(join(dir, file), 'utf8'), { strict: false }));
  }
  const layout = compiled.get('layout');
  if (!layout) throw new Error(`views: ${dir}/layout.hbs is missing`);

  const brand = {
    product_name: config.product_name,
    logo_url: config.logo_url,
    accent_color: config.accent_color,
    support_email: config.support_email,
  };

  return {
    render(view, data) {
      const template = compiled.get(view);
      if (!template) throw new Error(`views: no view named ${view}`);
      const context = { ...data, brand };
      return layout({ ...context, body: template(context) });
    },
  };
}
