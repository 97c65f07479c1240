// Messages by key, with {name} placeholders filled in: the one way code and templates read them.
import { MESSAGES } from './messages.ts';

export type MessageKey = keyof typeof MESSAGES;

/** The message for `key` with each `{name}` replaced. */
export function t(key: MessageKey, values: Record<string, unknown> = {}): string {
  const template: string | undefined = MESSAGES[key];
  // Templates name keys as strings the compiler cannot see: an unknown one is a bug, so it throws.
  if (template === undefined) throw new Error(`i18n: no message with key ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name] ?? '') : whole));
}

/** For keys built at run time (a template's `{{t "key"}}`, a scope name): checked, not assumed. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(MESSAGES, key);
