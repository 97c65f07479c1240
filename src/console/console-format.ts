// How the console writes dates, statuses and people: short, in UTC, and the same on every screen.
import { t, type MessageKey } from '../i18n/format-message.ts';

/** "2030-01-10 12:04 UTC": sortable at a glance, the zone spelled out. */
export function shortUtc(date: Date | null | undefined): string {
  if (!date) return '';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const statusLabel = (status: string) => t(`console_status_${status}` as MessageKey);

/** A date input's value (YYYY-MM-DD) as the start of that UTC day, or undefined. */
export function dayStart(value: string | undefined): Date | undefined {
  return value ? new Date(`${value}T00:00:00.000Z`) : undefined;
}

/** The query string for a list's next page: the same filters, the new cursor. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
