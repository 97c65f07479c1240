// The bridge from oidc-provider's Adapter interface to the store's OidcPayloadStore port.
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { OidcPayloadStore } from '../store/ports.ts';

export function createAdapterClass(store: OidcPayloadStore, clock: () => Date): new (model: string) => Adapter {
  return class StoreAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null;
      await store.upsert(this.model, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return (await store.find(this.model, id)) as AdapterPayload | undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await store.findByUserCode(this.model, userCode)) as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await store.findByUid(this.model, uid)) as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      // oidc-provider checks `consumed` on the payload it read, then consumes: two nodes can both
      // pass that check. The store's conditional consume lets exactly one through; the other
      // answers invalid_grant, as a replayed code does.
      if (!(await store.consume(this.model, id, clock()))) throw new errors.InvalidGrant(`${this.model} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(this.model, grantId);
    }
  };
}
