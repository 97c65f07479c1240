// Handlebars for the hosted pages: views from interactions/, one layout, partials, branding.
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../config.ts';
import { MESSAGES } from '../i18n/messages.ts';

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
  hbs.registerHelper('t', (code: string) => (MESSAGES as Record<string, string>)[code] ?? code);

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
