// oidc-provider's sessions, grants, codes and tokens in MongoDB, with the lookups its Adapter needs.
import type { OidcPayloadStore } from '../ports.ts';
import type { Models, OidcPayloadDoc } from './models.ts';
import { op } from './trusted.ts';

const keyOf = (model: string, id: string) => `${String(model)}:${String(id)}`;

/**
 * The lookup indexes are partial (only documents whose field is a string), and MongoDB uses a
 * partial index only when the query provably falls inside its filter: "equals this string" is
 * not taken to imply it, so the filter's own predicate is repeated beside the equality.
 */
export const stringEquals = (value: string) => op({ $eq: String(value), $type: 'string' as const });

export function createMongoOidcPayloadStore({ OidcPayload }: Models, clock: () => Date): OidcPayloadStore {
  const load = (doc: OidcPayloadDoc | null): Record<string, unknown> | undefined => {
    if (!doc) return undefined;
    // The TTL monitor sweeps about once a minute; until then an expired payload is never handed out.
    if (doc.expiresAt && doc.expiresAt.getTime() <= clock().getTime()) return undefined;
    const payload = JSON.parse(doc.payload) as Record<string, unknown>;
    if (doc.consumedAt) payload.consumed = Math.floor(doc.consumedAt.getTime() / 1000);
    return payload;
  };

  return {
    async upsert(model, id, payload, expiresAt) {
      const str = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
      await OidcPayload.updateOne(
        { _id: keyOf(model, id) },
        {
          $set: {
            model: String(model),
            payload: JSON.stringify(payload),
            expiresAt,
            uid: str('uid'),
            userCode: str('userCode'),
            grantId: str('grantId'),
            accountId: str('accountId'),
          },
        },
        { upsert: true },
      );
    },
    async find(model, id) {
      return load(await OidcPayload.findById(keyOf(model, id)).lean<OidcPayloadDoc>());
    },
    async findByUid(model, uid) {
      return load(await OidcPayload.findOne({ model: String(model), uid: stringEquals(uid) }).lean<OidcPayloadDoc>());
    },
    async findByUserCode(model, userCode) {
      return load(await OidcPayload.findOne({ model: String(model), userCode: stringEquals(userCode) }).lean<OidcPayloadDoc>());
    },
    async consume(model, id, at) {
      // Conditional: of two nodes redeeming one code at the same instant, one matches nothing.
      const result = await OidcPayload.updateOne({ _id: keyOf(model, id), consumedAt: null }, { $set: { consumedAt: at } });
      return result.matchedCount > 0;
    },
    async destroy(model, id) {
      await OidcPayload.deleteOne({ _id: keyOf(model, id) });
    },
    async revokeByGrantId(model, grantId) {
      await OidcPayload.deleteMany({ model: String(model), grantId: stringEquals(grantId) });
    },
    async destroyByAccountId(accountId) {
      await OidcPayload.deleteMany({ accountId: stringEquals(accountId) });
    },
    async findByAccountId(model, accountId, limit) {
      // The partial index's own predicate beside the equality, or MongoDB will not use it (see stringEquals).
      const docs = await OidcPayload.find({ accountId: stringEquals(accountId), model: String(model) }).limit(Number(limit)).lean<OidcPayloadDoc[]>();
      return docs.flatMap((doc) => {
        const payload = load(doc);
        return payload ? [{ id: doc._id.slice(doc.model.length + 1), payload, expiresAt: doc.expiresAt ?? null }] : [];
      });
    },
  };
}
