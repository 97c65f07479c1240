// The one-time welcome on a fresh development install: the owner's invitation into the admin
// console, and how to get an admin token and invite someone from the API.
import type { Config } from './config.ts';
import type { Secrets } from './secrets/secrets.ts';

export function firstRunBanner(config: Config, secrets: Secrets, ownerInviteUrl?: string): string {
  const basic = `${secrets.adminClientId}:${secrets.adminClientSecret}`;
  return [
    '',
    `Guestlist is running at ${config.issuer} — first start, development secrets generated in ${config.data_dir}/dev-secrets.json`,
    '',
    ...(ownerInviteUrl
      ? [
          'Become the first admin: open this one-time owner invitation, create your account, then open the console.',
          '',
          `  Owner invitation: ${ownerInviteUrl}`,
          `  Admin console:    ${config.issuer}/console`,
          '',
          `(Later, or in production: npx guestlist invite you@example.com --roles admin)`,
          '',
        ]
      : []),
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
