// Links to upstream identity providers in MongoDB: unique by (issuer, subject) through its index.
import type { FederatedIdentityRecord, FederatedIdentityStore } from '../ports.ts';
import type { FederatedIdentityDoc, Models } from './models.ts';
import { isDuplicateKey } from './mongo-errors.ts';

const docToIdentity = (doc: FederatedIdentityDoc): FederatedIdentityRecord => ({
  id: doc._id,
  accountId: doc.accountId,
  providerId: doc.providerId,
  issuer: doc.issuer,
  subject: doc.subject,
  email: doc.email ?? null,
  createdAt: doc.createdAt,
});

export function createMongoFederatedIdentityStore({ FederatedIdentity }: Models): FederatedIdentityStore {
  return {
    async link(identity) {
      const doc: FederatedIdentityDoc = {
        _id: String(identity.id),
        accountId: String(identity.accountId),
        providerId: String(identity.providerId),
        issuer: String(identity.issuer),
        subject: String(identity.subject),
        email: identity.email === null ? null : String(identity.email),
        createdAt: identity.createdAt,
      };
      try {
        await FederatedIdentity.create([doc]);
        return docToIdentity(doc);
      } catch (error) {
        if (isDuplicateKey(error)) return null;
        throw error;
      }
    },
    async findBySubject(issuer, subject) {
      const doc = await FederatedIdentity.findOne({ issuer: String(issuer), subject: String(subject) }).lean<FederatedIdentityDoc>();
      return doc ? docToIdentity(doc) : null;
    },
    async listByAccount(accountId) {
      const docs = await FederatedIdentity.find({ accountId: String(accountId) }).sort({ createdAt: 1 }).lean<FederatedIdentityDoc[]>();
      return docs.map(docToIdentity);
    },
    async unlink(accountId, id, { keepOne }) {
      const doc = await FederatedIdentity.findOneAndDelete({ _id: String(id), accountId: String(accountId) }).lean<FederatedIdentityDoc>();
      if (!doc) return 'not_found';
      if (!keepOne) return 'removed';
      // Delete first, then look: if nothing is left, this unlink lost a race (or was the last)
      // and puts its link back, so a racing pair leaves one link, never none.
      if (await FederatedIdentity.exists({ accountId: String(accountId) })) return 'removed';
      try {
        await FederatedIdentity.create([doc]);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      return 'last';
    },
    async deleteByAccount(accountId) {
      const result = await FederatedIdentity.deleteMany({ accountId: String(accountId) });
      return result.deletedCount;
    },
  };
}
