// Page text by key, with {name} placeholders filled in: the one way templates and code read messages.
import { MESSAGES } from './messages.ts';

/** The message for `key` with each `{name}` replaced; an unknown key is a bug, so it throws. */
export function formatMessage(key: string, values: Record<string, unknown> = {}): string {
  const template = (MESSAGES as Record<string, string>)[key];
  if (template === undefined) throw new Error(`i18n: no message with key ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name] ?? '') : whole));
}
