// Shared test fixtures: a real configuration, a controllable clock, a logger that keeps its lines.
import { loadConfig, type Config } from '../../src/config.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { Logger } from '../../src/mail/logger.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ env: { PRODUCT_NAME: 'Acme Guests', ACCENT_COLOR: '#e11d48', LOGO_URL: 'https://cdn.example.com/logo.png', SUPPORT_EMAIL: 'help@example.com', ...env } });
}

/** The shared test clock, started at a fixed instant so rendered dates are stable. */
export const testClock = (start = '2025-07-01T10:00:00.000Z') => createTestClock(start);

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, message: string) => {
    lines.push(`${message} ${JSON.stringify(fields)}`);
  };
  return { lines, info: record, warn: record, error: record };
}

export const TOKEN = 'inv_Zx9fQ2secretTOKENvalue0123456789abcdefGHIJ';
export const LINK = `http://localhost:3000/invite/${TOKEN}`;
