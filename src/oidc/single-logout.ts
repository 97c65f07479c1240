// Signs an account out of every app that registered a backchannel_logout_uri (OpenID Connect
// Back-Channel Logout 1.0): a signed logout token per session, as oidc-provider sends on sign-out.
import type Provider from 'oidc-provider';
import type { Logger } from '../logging/logger.ts';
import type { LogoutReceivers } from './logout-receivers.ts';

/** oidc-provider's Client sends the logout token itself; its type definitions leave the method out. */
interface BackchannelClient {
  clientId: string;
  backchannelLogoutUri?: string;
  backchannelLogoutSessionRequired?: boolean;
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

export interface SingleLogout {
  /** Sends every logout token the account's app sessions need; a receiver that fails is logged, never thrown. */
  signOutEverywhere(accountId: string): Promise<void>;
  /** The same for some of the account's sessions only (the member ended them on /account): their apps and sids. */
  signOut(accountId: string, sessions: Array<{ clientId: string; sid: string }>): Promise<void>;
}

export function createSingleLogout({ provider, receivers, logger }: { provider: Provider; receivers: LogoutReceivers; logger: Logger }): SingleLogout {
  // The tokens oidc-provider sends itself when someone signs out: a receiver that fails is logged too.
  provider.on('backchannel.error', (_ctx: unknown, error: Error, client: { clientId: string }, accountId: string) => {
    logger.warn({ client_id: client.clientId, account_id: accountId, reason: error.message }, 'back-channel logout failed');
  });
  async function signOut(accountId: string, sessions: Array<{ clientId: string; sid: string }>): Promise<void> {
    const sent = new Set<string>();
    const deliveries: Promise<void>[] = [];
    for (const { clientId, sid } of sessions) {
      const client = (await provider.Client.find(clientId)) as unknown as BackchannelClient | undefined;
      if (!client?.backchannelLogoutUri) continue;
      // Without backchannel_logout_session_required the token names only `sub`: one per app is enough.
      const key = client.backchannelLogoutSessionRequired ? `${clientId} ${sid}` : clientId;
      if (sent.has(key)) continue;
      sent.add(key);
      deliveries.push(
        client.backchannelLogout(accountId, sid).then(
          () => logger.info({ client_id: clientId, account_id: accountId }, 'back-channel logout delivered'),
          (error: Error) => logger.warn({ client_id: clientId, account_id: accountId, reason: error.message }, 'back-channel logout failed'),
        ),
      );
    }
    await Promise.all(deliveries);
  }

  return {
    async signOutEverywhere(accountId) {
      await signOut(accountId, await receivers.list(accountId));
    },
    signOut,
  };
}
