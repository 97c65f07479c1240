// Checks every registered client at start, so a bad clients_file entry stops the process with the
// client and the field named, instead of failing an end user's first sign-in.
import type Provider from 'oidc-provider';
import { errors, type ClientMetadata } from 'oidc-provider';
import { ConfigError } from '../config.ts';

const SOURCE = 'clients_file (CLIENTS_FILE)';

const label = (client: ClientMetadata, index: number) => (typeof client.client_id === 'string' && client.client_id ? `client "${client.client_id}"` : `entry ${index + 1}`);

/** The field an oidc-provider description is about: it names it first, or mentions one the entry sets. */
function fieldOf(description: string, client: ClientMetadata): string | undefined {
  const first = /^([a-z][a-z0-9_]*_[a-z0-9_]+)\b/.exec(description)?.[1];
  if (first) return first;
  return Object.keys(client).find((key) => new RegExp(`\\b${key}\\b`).test(description));
}

/**
 * What oidc-provider refuses before it can even start (every static client needs its own
 * client_id), named here by entry: its own message says neither which entry nor which id.
 */
export function assertClientIds(clients: ClientMetadata[]): void {
  const seen = new Set<string>();
  clients.forEach((client, index) => {
    if (!client || typeof client !== 'object' || Array.isArray(client)) {
      throw new ConfigError(`Invalid configuration: ${SOURCE}: entry ${index + 1} must be an object of client metadata`);
    }
    if (typeof client.client_id !== 'string' || !client.client_id) {
      throw new ConfigError(`Invalid configuration: ${SOURCE}: entry ${index + 1}: client_id is required`);
    }
    if (seen.has(client.client_id)) {
      throw new ConfigError(`Invalid configuration: ${SOURCE}: client "${client.client_id}": client_id is used by more than one client`);
    }
    seen.add(client.client_id);
  });
}

/**
 * Runs oidc-provider's own validation (the one dynamic registration uses) on every client: the
 * same rules the first sign-in would apply, with this provider's grants, scopes and algorithms.
 * Then refuses fields the provider would drop without a word (a typo, or a feature it does not
 * enable, such as front-channel logout), as the configuration refuses unknown options.
 */
export async function validateClientMetadata(provider: Provider, clients: ClientMetadata[]): Promise<void> {
  for (const [index, client] of clients.entries()) {
    const refuse = (field: string | undefined, description: string) =>
      new ConfigError(`Invalid configuration: ${SOURCE}: ${label(client, index)}${field ? `, field ${field}` : ''}: ${description}`);
    try {
      await provider.Client.validate(client);
    } catch (error) {
      if (!(error instanceof errors.InvalidClientMetadata)) throw error;
      const description = (error as { error_description?: string }).error_description ?? error.message;
      throw refuse(fieldOf(description, client), description);
    }
    const known = (await provider.Client.find(String(client.client_id)))!.metadata();
    const unknown = Object.keys(client).find((key) => client[key] !== undefined && !(key in known));
    if (unknown) throw refuse(unknown, `${unknown} is not client metadata this provider knows (a misspelling, or a feature it does not offer)`);
  }
}
