// The one-time welcome on a fresh development install: how to get an admin token and invite someone.
import type { Config } from './config.ts';
import type { Secrets } from './secrets.ts';

export function firstRunBanner(config: Config, secrets: Secrets): string {
  const basic = `${secrets.adminClientId}:${secrets.adminClientSecret}`;
  return [
    '',
    `Guestlist is running at ${config.issuer} — first start, development secrets generated in ${config.data_dir}/dev-secrets.json`,
    '',
    'Get an admin token and create an invitation:',
    '',
    `  TOKEN=$(curl -s -u '${basic}' -d grant_type=client_credentials -d scope=admin ${config.issuer}/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"email":"friend@example.com"}' ${config.issuer}/admin/invites`,
    '',
    'The answer holds the invitation "url": open it in a browser to sign up.',
    '(This is printed once. The credentials stay in dev-secrets.json.)',
    '',
  ].join('\n');
}
