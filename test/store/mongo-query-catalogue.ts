// Every query the MongoDB store sends, recorded without a server: each store method the app uses,
// with each filter variant. Checked offline against the schema's indexes, and replayed through
// explain() against a real server when MONGODB_URI is set.
import type { Models } from '../../src/store/mongo/models.ts';
import { createSequence } from '../../src/store/mongo/sequence.ts';
import { createMongoInviteStore } from '../../src/store/mongo/invites.ts';
import { createMongoAccountStore } from '../../src/store/mongo/accounts.ts';
import { createMongoAuditStore } from '../../src/store/mongo/audit.ts';
import { createMongoRateLimitStore } from '../../src/store/mongo/rate-limits.ts';
import { createMongoJobStore } from '../../src/store/mongo/jobs.ts';
import { createMongoVerificationStore } from '../../src/store/mongo/verifications.ts';
import { createMongoWaitlistStore } from '../../src/store/mongo/waitlist.ts';
import { createMongoOidcPayloadStore } from '../../src/store/mongo/oidc-payloads.ts';
import { createMongoSettingsStore } from '../../src/store/mongo/settings.ts';
import { createMongoFederatedIdentityStore } from '../../src/store/mongo/federated-identities.ts';
import { createMongoAccountCodeStore } from '../../src/store/mongo/account-codes.ts';
import { createMongoMfaStore } from '../../src/store/mongo/mfa.ts';
import { encodeTimeCursor } from '../../src/store/cursor.ts';
import { recordingModels, type Sent } from './mongo-recorder.ts';

const now = new Date('2030-01-01T00:00:00Z');

/** Calls every store method the app uses, with each filter variant, and returns what was sent. */
export async function everyQuery(): Promise<{ sent: Sent[]; models: Models }> {
  const { models, connection, sent } = recordingModels({ auditRetentionDays: 30 });
  const settled = (promise: Promise<unknown>) => promise.catch(() => undefined);
  // The counter's own command is recorded once; the stores then get numbers without a reply to parse.
  await settled(createSequence(models.Counter)('invites'));
  const nextSeq = async () => 1;
  const invites = createMongoInviteStore(connection, models, nextSeq);
  const accounts = createMongoAccountStore(connection, models, nextSeq);
  const audit = createMongoAuditStore(models);
  const jobs = createMongoJobStore(connection, models);
  const oidc = createMongoOidcPayloadStore(models, () => now);

  const invite = { id: 'i1', tokenHash: 'h', email: null, maxUses: 1, expiresAt: now, createdAt: now, createdBy: 'admin', clientId: null, roles: [], metadata: {}, note: null };
  await invites.create(invite);
  await invites.createMany([invite, { ...invite, id: 'i2', tokenHash: 'h2' }]);
  await invites.findById('i1');
  await invites.findByTokenHash('h');
  const cursorAfter = (n: number) => Buffer.from(`s:${n}`).toString('base64url');
  for (const filter of [{}, { email: 'a@example.test' }, { createdBy: 'admin' }, { createdAfter: now, createdBefore: now }, { status: 'revoked' as const }, { status: 'redeemed' as const }, { status: 'expired' as const }, { status: 'pending' as const }, { status: 'pending' as const, email: 'a@example.test' }]) {
    await invites.list(filter, { limit: 10 }, now);
    await invites.list(filter, { limit: 10, cursor: cursorAfter(5) }, now);
  }
  await invites.revoke('i1', now);
  await invites.rotateToken('i1', 'h3', now);
  await invites.countCountedAgainstQuota('admin');
  await invites.createWithinQuota(invite, 5);
  await invites.listRedemptions('i1');
  await invites.purgeRedemptionsBefore(now);

  const account = { id: 'a1', email: 'a@example.test', emailVerified: false, passwordHash: 'x', phoneNumber: null, phoneNumberVerified: false, roles: [], inviteId: null, invitedBy: null, createdAt: now, disabled: false, inviteQuota: null };
  await accounts.create(account);
  await settled(accounts.createRedeemingInvite(account, 'i1', { ip: null }, now));
  await settled(accounts.takeOverRedeemingInvite({ accountId: 'a1', email: 'a@example.test', passwordHash: 'x', roles: [], invitedBy: null, phoneNumber: null, phoneNumberVerified: false }, 'i1', { ip: null }, now));
  await accounts.findById('a1');
  await accounts.findByEmail('a@example.test');
  for (const filter of [{}, { email: 'a@example.test' }, { inviteId: 'i1' }]) {
    await accounts.list(filter, { limit: 10 });
    await accounts.list(filter, { limit: 10, cursor: cursorAfter(5) });
  }
  await accounts.update('a1', { disabled: true });
  await accounts.delete('a1');

  const event = { id: 'e1', type: 't', at: now, actor: 'admin', inviteId: null, accountId: null, ip: null, userAgent: null, requestId: null, reason: null, data: null };
  await audit.append(event);
  for (const filter of [{}, { type: 't' }, { inviteId: 'i1' }, { accountId: 'a1' }, { actor: 'admin' }, { ip: '192.0.2.1' }, { since: now }, { since: now, until: now }, { type: 't', since: now }]) {
    await audit.query(filter, { limit: 10 });
    // The keyset below a cursor: (at, ord) strictly lower, as an $or.
    await audit.query(filter, { limit: 10, cursor: encodeTimeCursor(now, '0123456789abcdef01234567') });
    for await (const _ of audit.stream(filter)) void _;
  }
  await audit.purgeBefore(now);

  const rateLimits = createMongoRateLimitStore(models);
  await settled(rateLimits.hit('k', 1000, now));
  await rateLimits.peek('k', now);
  await rateLimits.reset('k');
  await rateLimits.once('k', 1000, now);

  await jobs.enqueue('mail', {}, now);
  await jobs.enqueueMany('mail', [{}, {}], now);
  await jobs.claimNext('mail', 1000);
  await jobs.complete({ id: 'j', lease: 'l' });
  await jobs.retry({ id: 'j', lease: 'l' }, 1000, 'e');
  await jobs.fail({ id: 'j', lease: 'l' }, 'e');
  await jobs.countPending('mail');
  await jobs.purgeFailedBefore(now);

  const verifications = createMongoVerificationStore(models);
  await verifications.findById('v');
  await verifications.addAttempt('v');
  await verifications.consume('v', now);

  const waitlist = createMongoWaitlistStore(models, nextSeq);
  await waitlist.create({ id: 'w1', email: 'a@example.test', domain: 'example.test', name: null, reason: null, ref: null, tokenHash: 'h', codeHash: 'c', requestedAt: now, expiresAt: now });
  await waitlist.findById('w1');
  await waitlist.findUnconfirmedByTokenHash('h', now);
  await waitlist.addAttempt('w1');
  await settled(waitlist.confirm('w1', now));
  await waitlist.discard('w1');
  for (const filter of [{}, { status: 'pending' as const }, { status: 'approved' as const }, { status: 'denied' as const }, { domain: 'example.test' }, { emailPrefix: 'a' }, { status: 'pending' as const, domain: 'example.test', emailPrefix: 'a' }]) {
    await waitlist.list(filter, { limit: 10 });
    await waitlist.list(filter, { limit: 10, cursor: cursorAfter(5) });
  }
  await waitlist.decide('w1', { status: 'approved', at: now, by: 'admin', inviteId: 'i1' });
  await waitlist.countByStatus();
  await waitlist.countPendingBefore(5);

  await oidc.upsert('Session', 's', { uid: 'u' }, null);
  await oidc.find('Session', 's');
  await oidc.findByUid('Session', 'u');
  await oidc.findByUserCode('DeviceCode', 'ABCD');
  await oidc.consume('AuthorizationCode', 'c', now);
  await oidc.destroy('Session', 's');
  await oidc.revokeByGrantId('AccessToken', 'g');
  await oidc.destroyByAccountId('a1');
  await oidc.findByAccountId('Session', 'a1', 10);

  const settings = createMongoSettingsStore(models);
  await settings.get('k');
  await settled(settings.setIfAbsent('k', 'v'));

  const federated = createMongoFederatedIdentityStore(models);
  await settled(federated.link({ id: 'f1', accountId: 'a1', providerId: 'up', issuer: 'https://up.example', subject: 's1', email: null, createdAt: now }));
  await federated.findBySubject('https://up.example', 's1');
  await federated.listByAccount('a1');
  await settled(federated.unlink('a1', 'f1', { keepOne: true }));
  await federated.deleteByAccount('a1');
  const accountCodes = createMongoAccountCodeStore(models, nextSeq);
  const code = { id: 'r1', purpose: 'recovery' as const, emailKey: 'k', accountId: null, newEmail: null, via: 'code' as const, codeHash: 'h', attempts: 0, createdAt: now, expiresAt: now, supersededAt: null, verifiedAt: null, resetTokenHash: null, resetExpiresAt: null, completedAt: null, purgeAt: now };
  await accountCodes.create(code, now);
  await accountCodes.create({ ...code, id: 'r2', accountId: 'a1' }, now);
  await accountCodes.findById('r1');
  await accountCodes.findByResetTokenHash('t');
  await accountCodes.attachAccount('r1', 'a1');
  await accountCodes.addAttempt('r1');
  await accountCodes.markVerified('r1', { tokenHash: 't', expiresAt: now }, now);
  await accountCodes.complete('r1', now);
  await accountCodes.supersedeAccount('a1', 'recovery', now);
  const mfa = createMongoMfaStore(connection, models);
  const passkey = { id: 'c1', accountId: 'a1', publicKey: 'pk', counter: 0, transports: [], deviceType: 'multiDevice' as const, backedUp: true, name: 'Laptop', createdAt: now, lastUsedAt: null };
  await settled(mfa.addPasskey(passkey, 20));
  await mfa.listPasskeys('a1');
  await mfa.findPasskey('c1');
  await mfa.renamePasskey('a1', 'c1', 'Phone');
  await settled(mfa.removePasskey('a1', 'c1', { keepOne: true }));
  await mfa.recordPasskeyUse('c1', 1, now);
  await settled(mfa.setTotp({ accountId: 'a1', sealedSecret: 's', createdAt: now, lastUsedAt: null, lastStep: null }));
  await mfa.findTotp('a1');
  await mfa.claimTotpStep('a1', 1, now);
  await settled(mfa.removeTotp('a1', { keepOne: true }));
  await settled(mfa.replaceBackupCodes('a1', ['h1'], now));
  await mfa.useBackupCode('a1', 'h1', now);
  await mfa.countBackupCodes('a1');
  await settled(mfa.removeAll('a1'));
  await mfa.createChallenge({ id: 'w1', challenge: 'c', purpose: 'authenticate', accountId: null, interactionUid: null, data: null, expiresAt: now });
  await mfa.takeChallenge('w1', now);
  return { sent, models };
}
