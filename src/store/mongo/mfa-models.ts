// MongoDB schemas of second factors: passkeys, authenticator apps, backup codes, WebAuthn
// challenges, and a per-account lock document that serialises changes to one account's factors.
import { Schema, type Connection, type Model } from 'mongoose';

export interface PasskeyDoc {
  /** The credential ID (base64url): unique across accounts by being the key. */
  _id: string;
  accountId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface TotpDoc {
  /** The account id: one authenticator app per account. */
  _id: string;
  sealedSecret: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  lastStep: number | null;
}

export interface BackupCodeDoc {
  accountId: string;
  codeHash: string;
  createdAt: Date;
  usedAt: Date | null;
}

export interface WebAuthnChallengeDoc {
  _id: string;
  challenge: string;
  purpose: string;
  accountId: string | null;
  interactionUid: string | null;
  data: string | null;
  expiresAt: Date;
}

export interface MfaLockDoc {
  /** The account id. */
  _id: string;
  /** Bumped by every change to the account's factors, so two concurrent changes conflict and one retries. */
  version: number;
}

export interface MfaModels {
  Passkey: Model<PasskeyDoc>;
  Totp: Model<TotpDoc>;
  BackupCode: Model<BackupCodeDoc>;
  WebAuthnChallenge: Model<WebAuthnChallengeDoc>;
  MfaLock: Model<MfaLockDoc>;
}

type SchemaOptions = (collection: string) => Record<string, unknown>;

export function createMfaModels(connection: Connection, options: SchemaOptions): MfaModels {
  const str = { type: String, default: null };
  const date = { type: Date, default: null };
  const id = { type: String, required: true };

  const passkey = new Schema<PasskeyDoc>(
    {
      _id: id,
      accountId: { type: String, required: true },
      publicKey: { type: String, required: true },
      counter: { type: Number, required: true },
      transports: { type: [String], default: [] },
      deviceType: { type: String, required: true, enum: ['singleDevice', 'multiDevice'] },
      backedUp: { type: Boolean, required: true },
      name: { type: String, required: true },
      createdAt: { type: Date, required: true },
      lastUsedAt: date,
    },
    options('passkeys'),
  );
  passkey.index({ accountId: 1, createdAt: 1 });

  const totp = new Schema<TotpDoc>(
    { _id: id, sealedSecret: { type: String, required: true }, createdAt: { type: Date, required: true }, lastUsedAt: date, lastStep: { type: Number, default: null } },
    options('totp_factors'),
  );

  const backupCode = new Schema<BackupCodeDoc>(
    { accountId: { type: String, required: true }, codeHash: { type: String, required: true }, createdAt: { type: Date, required: true }, usedAt: date },
    options('backup_codes'),
  );
  backupCode.index({ accountId: 1, codeHash: 1 }, { unique: true });

  const challenge = new Schema<WebAuthnChallengeDoc>(
    {
      _id: id,
      challenge: { type: String, required: true },
      purpose: { type: String, required: true },
      accountId: str,
      interactionUid: str,
      data: str,
      expiresAt: { type: Date, required: true },
    },
    options('webauthn_challenges'),
  );
  challenge.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

  const lock = new Schema<MfaLockDoc>({ _id: id, version: { type: Number, required: true } }, options('mfa_locks'));

  return {
    Passkey: connection.model<PasskeyDoc>('Passkey', passkey),
    Totp: connection.model<TotpDoc>('Totp', totp),
    BackupCode: connection.model<BackupCodeDoc>('BackupCode', backupCode),
    WebAuthnChallenge: connection.model<WebAuthnChallengeDoc>('WebAuthnChallenge', challenge),
    MfaLock: connection.model<MfaLockDoc>('MfaLock', lock),
  };
}
