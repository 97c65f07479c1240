// Invites and their redemptions in SQLite.
import type { DatabaseSync } from 'node:sqlite';
import type { InviteFilter, InviteRecord, InviteStatus, InviteStore, NewInvite, Page, PageRequest, Redemption } from '../ports.ts';
import { newestFirstPage, type Condition } from './newest-first-page.ts';
import { dayOf, fromMs, json, parseJson, transaction, toMs, type Row } from './database.ts';

export function rowToInvite(row: Row): InviteRecord {
  return {
    id: String(row.id),
    tokenHash: String(row.token_hash),
    email: (row.email as string | null) ?? null,
    uses: Number(row.uses),
    maxUses: Number(row.max_uses),
    expiresAt: fromMs(row.expires_at)!,
    createdAt: fromMs(row.created_at)!,
    createdBy: String(row.created_by),
    clientId: (row.client_id as string | null) ?? null,
    roles: parseJson<string[]>(row.roles),
    metadata: parseJson<Record<string, unknown>>(row.metadata),
    note: (row.note as string | null) ?? null,
    revokedAt: fromMs(row.revoked_at),
    seq: Number(row.seq),
  };
}

/**
 * "Pending at ?": not revoked, uses left, not expired. The one definition behind claiming a use
 * (here and in the redeem transaction), revoking, and the `pending` list filter.
 */
export const CLAIMABLE_SQL = 'revoked_at IS NULL AND uses < max_uses AND expires_at > ?';

const STATUS_SQL = {
  revoked: 'revoked_at IS NOT NULL',
  redeemed: 'revoked_at IS NULL AND uses >= max_uses',
  expired: 'revoked_at IS NULL AND uses < max_uses AND expires_at <= ?',
  pending: CLAIMABLE_SQL,
} as const;

export function createEmbeddedInviteStore(db: DatabaseSync): InviteStore {
  const insert = db.prepare(`INSERT INTO invites
    (id, token_hash, email, max_uses, expires_at, created_at, created_by, client_id, roles, metadata, note)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const byId = db.prepare('SELECT * FROM invites WHERE id = ?');
  const byHash = db.prepare('SELECT * FROM invites WHERE token_hash = ?');
  const revoke = db.prepare(`UPDATE invites SET revoked_at = ? WHERE id = ? AND ${CLAIMABLE_SQL} RETURNING *`);
  const rotate = db.prepare(`UPDATE invites SET token_hash = ?, expires_at = ?
    WHERE id = ? AND revoked_at IS NULL AND uses < max_uses RETURNING *`);
  const quotaCount = db.prepare('SELECT COUNT(*) AS n FROM invites WHERE created_by = ? AND revoked_at IS NULL');
  const redemptions = db.prepare('SELECT * FROM redemptions WHERE invite_id = ? ORDER BY at');
  const purgeRedemptions = db.prepare('DELETE FROM redemptions WHERE at < ?');
  const statusCounts = db.prepare(`SELECT
      SUM(revoked_at IS NOT NULL) AS revoked,
      SUM(revoked_at IS NULL AND uses >= max_uses) AS redeemed,
      SUM(revoked_at IS NULL AND uses < max_uses AND expires_at <= ?) AS expired,
      SUM(revoked_at IS NULL AND uses < max_uses AND expires_at > ?) AS pending
    FROM invites`);
  const expiries = db.prepare(`SELECT expires_at / 86400000 AS day, COUNT(*) AS n FROM invites
    WHERE expires_at >= ? AND expires_at < ? AND revoked_at IS NULL AND uses < max_uses GROUP BY day ORDER BY day`);

  const insertOne = (invite: NewInvite): InviteRecord =>
    rowToInvite(
      insert.get(
        invite.id,
        invite.tokenHash,
        invite.email,
        invite.maxUses,
        toMs(invite.expiresAt),
        toMs(invite.createdAt),
        invite.createdBy,
        invite.clientId,
        json(invite.roles),
        json(invite.metadata),
        invite.note,
      ) as Row,
    );

  return {
    async create(invite) {
      return insertOne(invite);
    },
    async createMany(invites) {
      return transaction(db, () => invites.map(insertOne));
    },
    async findById(id) {
      const row = byId.get(id) as Row | undefined;
      return row ? rowToInvite(row) : null;
    },
    async findByTokenHash(tokenHash) {
      const row = byHash.get(tokenHash) as Row | undefined;
      return row ? rowToInvite(row) : null;
    },
    async list(filter: InviteFilter, page: PageRequest, now: Date): Promise<Page<InviteRecord>> {
      const status: Condition = filter.status
        ? filter.status === 'expired' || filter.status === 'pending'
          ? [STATUS_SQL[filter.status], now.getTime()]
          : [STATUS_SQL[filter.status]]
        : undefined;
      return newestFirstPage(
        db,
        'invites',
        [
          status,
          filter.email ? ['email = ?', filter.email] : undefined,
          // A range on the email index rather than LIKE, whose wildcards a search must not carry.
          filter.emailPrefix ? ['email >= ? AND email < ?', filter.emailPrefix, `${filter.emailPrefix}\u{10FFFF}`] : undefined,
          filter.clientId ? ['client_id = ?', filter.clientId] : undefined,
          filter.role ? ['EXISTS (SELECT 1 FROM json_each(invites.roles) WHERE json_each.value = ?)', filter.role] : undefined,
          filter.createdBy ? ['created_by = ?', filter.createdBy] : undefined,
          filter.createdAfter ? ['created_at >= ?', filter.createdAfter.getTime()] : undefined,
          filter.createdBefore ? ['created_at < ?', filter.createdBefore.getTime()] : undefined,
        ],
        page,
        rowToInvite,
      );
    },
    async revoke(id, now) {
      const row = revoke.get(now.getTime(), id, now.getTime()) as Row | undefined;
      return row ? rowToInvite(row) : null;
    },
    async rotateToken(id, tokenHash, expiresAt) {
      const row = rotate.get(tokenHash, expiresAt.getTime(), id) as Row | undefined;
      return row ? rowToInvite(row) : null;
    },
    async countCountedAgainstQuota(createdBy) {
      return Number((quotaCount.get(createdBy) as Row).n);
    },
    async createWithinQuota(invite, quota) {
      // Count and insert in one transaction: no other writer can slip in between.
      return transaction(db, () => (Number((quotaCount.get(invite.createdBy) as Row).n) >= quota ? null : insertOne(invite)));
    },
    async listRedemptions(inviteId): Promise<Redemption[]> {
      return (redemptions.all(inviteId) as Row[]).map((row) => ({
        inviteId: String(row.invite_id),
        accountId: String(row.account_id),
        email: String(row.email),
        at: fromMs(row.at)!,
        ip: (row.ip as string | null) ?? null,
      }));
    },
    async purgeRedemptionsBefore(before) {
      return Number(purgeRedemptions.run(before.getTime()).changes);
    },
    async countByStatus(now) {
      const row = statusCounts.get(now.getTime(), now.getTime()) as Row;
      const counts = {} as Record<InviteStatus, number>;
      for (const status of ['pending', 'redeemed', 'expired', 'revoked'] as const) counts[status] = Number(row[status] ?? 0);
      return counts;
    },
    async expiredPerDay(since, until) {
      return (expiries.all(since.getTime(), until.getTime()) as Row[]).map((row) => ({ day: dayOf(row.day), count: Number(row.n) }));
    },
  };
}
