// Which back-channel logout apps an account is signed in to, and under which session ids (sid).
// oidc-provider knows them per browser session only; an admin who disables an account has no
// session at hand, so every saved session adds its apps here, one record per account.
import type { Adapter, AdapterPayload, ClientMetadata } from 'oidc-provider';
import type { OidcPayloadStore } from '../store/ports.ts';

/** The payload model name: kept with oidc-provider's, so destroyByAccountId takes it along. */
export const LOGOUT_RECEIVERS_MODEL = 'LogoutReceivers';

/** Enough for every device a person signs in from; the oldest entries give way first. */
const MAX_RECEIVERS = 50;

export interface LogoutReceiver {
  clientId: string;
  sid: string;
  /** Epoch seconds: when the session it came from expires. */
  exp: number;
}

interface ReceiversPayload {
  accountId: string;
  receivers: LogoutReceiver[];
}

export interface LogoutReceivers {
  /** Called with every saved session: adds the back-channel apps it has signed in to. */
  recordSession(payload: AdapterPayload, expiresInSeconds: number): Promise<void>;
  list(accountId: string): Promise<LogoutReceiver[]>;
}

export function createLogoutReceivers({ store, clock, clients }: { store: OidcPayloadStore; clock: () => Date; clients: ClientMetadata[] }): LogoutReceivers {
  const listening = new Set(clients.filter((client) => client.backchannel_logout_uri).map((client) => client.client_id));
  const wantsLogout = (clientId: string) => listening.has(clientId);
  const now = () => Math.floor(clock().getTime() / 1000);
  // One account's records are read and rewritten one at a time in this process, so two of its
  // sessions saved together cannot drop each other's entry. Across instances a lost entry comes
  // back with its session's next save (each sign-in to an app saves it).
  const queues = new Map<string, Promise<void>>();
  const serially = (accountId: string, task: () => Promise<void>): Promise<void> => {
    const next = (queues.get(accountId) ?? Promise.resolve()).then(task);
    const settled = next.catch(() => undefined);
    queues.set(accountId, settled);
    void settled.then(() => {
      if (queues.get(accountId) === settled) queues.delete(accountId);
    });
    return next;
  };

  async function load(accountId: string): Promise<LogoutReceiver[]> {
    const stored = (await store.find(LOGOUT_RECEIVERS_MODEL, accountId)) as ReceiversPayload | undefined;
    return (stored?.receivers ?? []).filter((receiver) => receiver.exp > now());
  }

  return {
    async recordSession(payload, expiresInSeconds) {
      const accountId = payload.accountId;
      const authorizations = (payload as { authorizations?: Record<string, { sid?: string }> }).authorizations;
      if (typeof accountId !== 'string' || !authorizations) return;
      const exp = now() + expiresInSeconds;
      const found = Object.entries(authorizations)
        .filter(([clientId, { sid }]) => typeof sid === 'string' && wantsLogout(clientId))
        .map(([clientId, { sid }]) => ({ clientId, sid: sid!, exp }));
      if (!found.length) return;
      await serially(accountId, async () => {
        const receivers = await load(accountId);
        const fresh = found.filter((entry) => !receivers.some((known) => known.clientId === entry.clientId && known.sid === entry.sid));
        if (!fresh.length) return;
        const kept = [...receivers, ...fresh].slice(-MAX_RECEIVERS);
        const expiresAt = new Date(Math.max(...kept.map((receiver) => receiver.exp)) * 1000);
        const record: ReceiversPayload = { accountId, receivers: kept };
        await store.upsert(LOGOUT_RECEIVERS_MODEL, accountId, record as unknown as Record<string, unknown>, expiresAt);
      });
    },
    list: load,
  };
}

/** The store adapter, recording each saved session's back-channel apps once the session is stored. */
export function recordingLogoutReceivers(Base: new (model: string) => Adapter, receivers: LogoutReceivers): new (model: string) => Adapter {
  return class extends Base {
    override async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await super.upsert(id, payload, expiresIn);
      if ((this as unknown as { model: string }).model === 'Session') await receivers.recordSession(payload, expiresIn);
    }
  };
}
