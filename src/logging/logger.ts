// Structured JSON logs (pino), one line per event, with secrets redacted at the logger itself.
import pino, { type Logger } from 'pino';

/** Fields that may carry a secret wherever they appear in a logged object. */
const REDACT = [
  'password', '*.password', 'token', '*.token', 'invite_token', '*.invite_token', 'code', '*.code',
  'email_code', '*.email_code', 'phone_code', '*.phone_code', 'client_secret', '*.client_secret',
  'authorization', '*.authorization', 'cookie', '*.cookie', 'req.headers.authorization', 'req.headers.cookie',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', 'id_token', '*.id_token',
  'passwordHash', '*.passwordHash', 'secret', '*.secret', 'webhook_secret', '*.webhook_secret',
  'new_password', '*.new_password', 'current_password', '*.current_password', 'reset_token', '*.reset_token',
];

/** Path segments that are followed by a secret: /invite/{token}, /api/invites/{token} and /waitlist/confirm/{token}. */
const SECRET_PATH = /(\/+(?:invite|api\/+invites|waitlist\/+confirm)\/+)[^/?#]+/gi;
/** Query parameters that carry secrets, compared in lower case. */
const SECRET_PARAMS = new Set(['invite_token', 'code', 'token', 'refresh_token', 'id_token_hint', 'state', 'reset_token']);

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Invitation tokens travel in paths and queries: never let one reach a log line. The routers match
 * exact spellings only, but a token is just as secret in a path no route answers, so any spelling
 * is redacted: any case, percent-encoded, with doubled slashes.
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const decodedPath = decodeSafely(rawPath);
  SECRET_PATH.lastIndex = 0;
  const path = SECRET_PATH.test(decodedPath) ? decodedPath.replace(SECRET_PATH, '$1[redacted]') : rawPath;
  if (queryAt === -1) return path;
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      const name = decodeSafely(pair.slice(0, equals).replace(/\+/g, ' ')).trim().toLowerCase();
      return SECRET_PARAMS.has(name) ? `${pair.slice(0, equals)}=[redacted]` : pair;
    })
    .join('&');
  return `${path}?${query}`;
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
