// Accounts in SQLite, including the one transaction that redeems an invite into an account.
import type { DatabaseSync } from 'node:sqlite';
import { EmailTakenError, type AccountPatch, type AccountRecord, type AccountStore, type NewAccount } from '../ports.ts';
import { newestFirstPage } from './newest-first-page.ts';
import { fromMs, json, parseJson, transaction, type Row } from './database.ts';
import { CLAIMABLE_SQL, rowToInvite } from './invites.ts';

function rowToAccount(row: Row): AccountRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    emailVerified: row.email_verified === 1,
    // The column predates passwordless accounts and is NOT NULL: '' stands for no password.
    passwordHash: row.password_hash === '' || row.password_hash === null ? null : String(row.password_hash),
    phoneNumber: (row.phone_number as string | null) ?? null,
    phoneNumberVerified: row.phone_number_verified === 1,
    roles: parseJson<string[]>(row.roles),
    inviteId: (row.invite_id as string | null) ?? null,
    invitedBy: (row.invited_by as string | null) ?? null,
    createdAt: fromMs(row.created_at)!,
    disabled: row.disabled === 1,
    inviteQuota: row.invite_quota === null || row.invite_quota === undefined ? null : Number(row.invite_quota),
    seq: Number(row.seq),
  };
}

// Duck-typed, not `instanceof Error`: node:sqlite's errors come from Node's own realm, which is
// not the realm of a vm-sandboxed caller (jest), so instanceof would miss them there.
const isUniqueViolation = (error: unknown): boolean =>
  typeof (error as { message?: unknown } | null)?.message === 'string' &&
  /UNIQUE constraint failed: accounts\.email/.test((error as { message: string }).message);

export function createEmbeddedAccountStore(db: DatabaseSync): AccountStore {
  const insert = db.prepare(`INSERT INTO accounts
    (id, email, email_verified, password_hash, phone_number, phone_number_verified, roles, invite_id, invited_by, created_at, disabled, invite_quota)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const claim = db.prepare(`UPDATE invites SET uses = uses + 1 WHERE id = ? AND ${CLAIMABLE_SQL} RETURNING *`);
  const emailExists = db.prepare('SELECT 1 FROM accounts WHERE email = ?');
  const addRedemption = db.prepare('INSERT INTO redemptions (invite_id, account_id, email, at, ip) VALUES (?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
  const byEmail = db.prepare('SELECT * FROM accounts WHERE email = ?');
  const remove = db.prepare('DELETE FROM accounts WHERE id = ?');
  const unverifiedHolder = db.prepare('SELECT 1 FROM accounts WHERE id = ? AND email = ? AND email_verified = 0');
  const takeOver = db.prepare(`UPDATE accounts SET password_hash = ?, email_verified = 1, roles = ?, invite_id = ?, invited_by = ?, phone_number = ?, phone_number_verified = ?
    WHERE id = ? RETURNING *`);

  const insertOne = (account: NewAccount): AccountRecord => {
    try {
      return rowToAccount(
        insert.get(
          account.id,
          account.email,
          account.emailVerified ? 1 : 0,
          account.passwordHash ?? '',
          account.phoneNumber,
          account.phoneNumberVerified ? 1 : 0,
          json(account.roles),
          account.inviteId,
          account.invitedBy,
          account.createdAt.getTime(),
          account.disabled ? 1 : 0,
          account.inviteQuota,
        ) as Row,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  };

  return {
    async create(account) {
      return insertOne(account);
    },
    async createRedeemingInvite(account, inviteId, redemption, now) {
      // Claim, insert and record in one transaction: a crash or a taken email leaves no trace.
      return transaction(db, () => {
        if (emailExists.get(account.email)) return { ok: false as const, reason: 'email_taken' as const };
        const claimed = claim.get(inviteId, now.getTime()) as Row | undefined;
        if (!claimed) return { ok: false as const, reason: 'invite_unavailable' as const };
        const created = insertOne(account);
        addRedemption.run(inviteId, created.id, created.email, now.getTime(), redemption.ip);
        return { ok: true as const, account: created, invite: rowToInvite(claimed) };
      });
    },
    async takeOverRedeemingInvite(takeover, inviteId, redemption, now) {
      // Claim, take over and record in one transaction: a crash or a lost race leaves no trace.
      return transaction(db, () => {
        if (!unverifiedHolder.get(takeover.accountId, takeover.email)) return { ok: false as const, reason: 'email_taken' as const };
        const claimed = claim.get(inviteId, now.getTime()) as Row | undefined;
        if (!claimed) return { ok: false as const, reason: 'invite_unavailable' as const };
        const row = takeOver.get(
          takeover.passwordHash,
          json(takeover.roles),
          inviteId,
          takeover.invitedBy,
          takeover.phoneNumber,
          takeover.phoneNumberVerified ? 1 : 0,
          takeover.accountId,
        ) as Row;
        addRedemption.run(inviteId, takeover.accountId, takeover.email, now.getTime(), redemption.ip);
        return { ok: true as const, account: rowToAccount(row), invite: rowToInvite(claimed) };
      });
    },
    async findById(id) {
      const row = byId.get(id) as Row | undefined;
      return row ? rowToAccount(row) : null;
    },
    async findByEmail(email) {
      const row = byEmail.get(email) as Row | undefined;
      return row ? rowToAccount(row) : null;
    },
    async list(filter, page) {
      return newestFirstPage(
        db,
        'accounts',
        [
          filter.email ? ['email = ?', filter.email] : undefined,
          filter.inviteId ? ['invite_id = ?', filter.inviteId] : undefined,
          filter.invitedBy ? ['invited_by = ?', filter.invitedBy] : undefined,
          filter.disabled === undefined ? undefined : ['disabled = ?', filter.disabled ? 1 : 0],
          filter.role ? ['EXISTS (SELECT 1 FROM json_each(accounts.roles) WHERE json_each.value = ?)', filter.role] : undefined,
          filter.ids ? [`id IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`, ...filter.ids] : undefined,
        ],
        page,
        rowToAccount,
      );
    },
    async update(id, patch: AccountPatch) {
      const sets: string[] = [];
      const params: (string | number | null)[] = [];
      if (patch.disabled !== undefined) {
        sets.push('disabled = ?');
        params.push(patch.disabled ? 1 : 0);
      }
      if (patch.emailVerified !== undefined) {
        sets.push('email_verified = ?');
        params.push(patch.emailVerified ? 1 : 0);
      }
      if (patch.inviteQuota !== undefined) {
        sets.push('invite_quota = ?');
        params.push(patch.inviteQuota);
      }
      if (patch.roles !== undefined) {
        sets.push('roles = ?');
        params.push(json(patch.roles));
      }
      if (patch.passwordHash !== undefined) {
        sets.push('password_hash = ?');
        params.push(patch.passwordHash === null ? '' : String(patch.passwordHash));
      }
      if (patch.email !== undefined) {
        sets.push('email = ?');
        params.push(String(patch.email));
      }
      if (!sets.length) return this.findById(id);
      let row: Row | undefined;
      try {
        row = db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE id = ? RETURNING *`).get(...params, id) as Row | undefined;
      } catch (error) {
        if (isUniqueViolation(error)) throw new EmailTakenError();
        throw error;
      }
      return row ? rowToAccount(row) : null;
    },
    async delete(id) {
      return Number(remove.run(id).changes) > 0;
    },
  };
}
