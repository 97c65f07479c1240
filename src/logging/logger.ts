// Structured JSON logs (pino), one line per event, with secrets redacted at the logger itself.
import pino, { type Logger } from 'pino';

/** Fields that may carry a secret wherever they appear in a logged object. */
const REDACT = [
  'password', '*.password', 'token', '*.token', 'invite_token', '*.invite_token', 'code', '*.code',
  'email_code', '*.email_code', 'phone_code', '*.phone_code', 'client_secret', '*.client_secret',
  'authorization', '*.authorization', 'cookie', '*.cookie', 'req.headers.authorization', 'req.headers.cookie',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', 'id_token', '*.id_token',
  'passwordHash', '*.passwordHash', 'secret', '*.secret', 'webhook_secret', '*.webhook_secret',
];

/** Invitation tokens travel in paths and queries: never let one reach a log line. */
export function redactUrl(url: string): string {
  return url
    .replace(/\/(invite|api\/invites)\/[^/?#]+/g, '/$1/[redacted]')
    .replace(/([?&](?:invite_token|code|token|refresh_token|id_token_hint|state)=)[^&#]*/g, '$1[redacted]');
}

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'guestlist' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };
