// Links to upstream identity providers in SQLite: unique by (issuer, subject).
import type { DatabaseSync } from 'node:sqlite';
import type { FederatedIdentityRecord, FederatedIdentityStore } from '../ports.ts';
import { fromMs, transaction, type Row } from './database.ts';

function rowToIdentity(row: Row): FederatedIdentityRecord {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    providerId: String(row.provider_id),
    issuer: String(row.issuer),
    subject: String(row.subject),
    email: (row.email as string | null) ?? null,
    createdAt: fromMs(row.created_at)!,
  };
}

export function createEmbeddedFederatedIdentityStore(db: DatabaseSync): FederatedIdentityStore {
  // ON CONFLICT DO NOTHING: a taken (issuer, subject) returns no row, with no error to parse.
  const insert = db.prepare(`INSERT INTO federated_identities (id, account_id, provider_id, issuer, subject, email, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`);
  const bySubject = db.prepare('SELECT * FROM federated_identities WHERE issuer = ? AND subject = ?');
  const byAccount = db.prepare('SELECT * FROM federated_identities WHERE account_id = ? ORDER BY created_at, id');
  const countByAccount = db.prepare('SELECT COUNT(*) AS n FROM federated_identities WHERE account_id = ?');
  const removeOne = db.prepare('DELETE FROM federated_identities WHERE account_id = ? AND id = ?');
  const removeAll = db.prepare('DELETE FROM federated_identities WHERE account_id = ?');

  return {
    async link(identity) {
      const row = insert.get(identity.id, identity.accountId, identity.providerId, identity.issuer, identity.subject, identity.email, identity.createdAt.getTime()) as Row | undefined;
      return row ? rowToIdentity(row) : null;
    },
    async findBySubject(issuer, subject) {
      const row = bySubject.get(String(issuer), String(subject)) as Row | undefined;
      return row ? rowToIdentity(row) : null;
    },
    async listByAccount(accountId) {
      return (byAccount.all(String(accountId)) as Row[]).map(rowToIdentity);
    },
    async unlink(accountId, id, { keepOne }) {
      // The count and the delete in one transaction: two racing unlinks cannot both see "two left".
      return transaction(db, () => {
        const { n } = countByAccount.get(String(accountId)) as { n: number };
        const exists = (byAccount.all(String(accountId)) as Row[]).some((row) => row.id === id);
        if (!exists) return 'not_found' as const;
        if (keepOne && Number(n) <= 1) return 'last' as const;
        removeOne.run(String(accountId), String(id));
        return 'removed' as const;
      });
    },
    async deleteByAccount(accountId) {
      return Number(removeAll.run(String(accountId)).changes);
    },
  };
}
