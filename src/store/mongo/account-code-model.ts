// The MongoDB schema of account codes (recovery codes and links, email-change codes) and its indexes.
import { Schema } from 'mongoose';

export interface AccountCodeDoc {
  _id: string;
  purpose: 'recovery' | 'email_change';
  emailKey: string;
  accountId: string | null;
  newEmail: string | null;
  via: 'code' | 'admin_email' | 'admin_link';
  codeHash: string | null;
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  supersededAt: Date | null;
  verifiedAt: Date | null;
  resetTokenHash: string | null;
  resetExpiresAt: Date | null;
  completedAt: Date | null;
  purgeAt: Date;
  seq: number;
}

const str = { type: String, default: null };
const date = { type: Date, default: null };
const whenString = (field: string) => ({ partialFilterExpression: { [field]: { $type: 'string' } } });

export function accountCodeSchema(): Schema<AccountCodeDoc> {
  const schema = new Schema<AccountCodeDoc>(
    {
      _id: { type: String, required: true },
      purpose: { type: String, required: true, enum: ['recovery', 'email_change'] },
      emailKey: { type: String, required: true },
      accountId: str,
      newEmail: str,
      via: { type: String, required: true, enum: ['code', 'admin_email', 'admin_link'] },
      codeHash: str,
      attempts: { type: Number, required: true },
      createdAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
      supersededAt: date,
      verifiedAt: date,
      resetTokenHash: str,
      resetExpiresAt: date,
      completedAt: date,
      purgeAt: { type: Date, required: true },
      seq: { type: Number, required: true },
    },
    { collection: 'account_codes', versionKey: false, strict: 'throw', strictQuery: 'throw' },
  );
  // Superseding: a newer request for the same address, or any for the account (partial: accounts only).
  schema.index({ emailKey: 1, purpose: 1, seq: 1 });
  schema.index({ accountId: 1, purpose: 1 }, whenString('accountId'));
  schema.index({ resetTokenHash: 1 }, { unique: true, ...whenString('resetTokenHash') });
  // Ended records (and, long after, every other) leave by themselves.
  schema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
  return schema;
}
