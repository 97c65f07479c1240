// Without a server: the MongoDB store's recorded commands keep caller values literal under
// sanitizeFilter, and have the shapes its guarantees rest on (atomic claims, fenced leases,
// transactional batches, paged export).
import mongoose from 'mongoose';
import { createModels, type Models } from '../../src/store/mongo/models.ts';
import { claimableFilter, createMongoInviteStore } from '../../src/store/mongo/invites.ts';
import { createMongoAccountStore } from '../../src/store/mongo/accounts.ts';
import { createMongoRateLimitStore } from '../../src/store/mongo/rate-limits.ts';
import { createMongoVerificationStore } from '../../src/store/mongo/verifications.ts';

interface Sent {
  method: string;
  filter: Record<string, unknown>;
}

interface Call extends Sent {
  update: unknown;
  options: Record<string, unknown>;
}

/** What the recorded collection answers to a call: a value, or an error to throw. */
type Responder = (call: Call) => unknown;

/**
 * Models on an unconnected connection whose collections record what would have been sent
 * (`sent`: filters; `calls`: with updates and options) and answer through `respond` (null by default).
 */
function recordingModels(respond: Responder = () => null): { models: Models; connection: mongoose.Connection; sent: Sent[]; calls: Call[] } {
  const connection = mongoose.createConnection();
  connection.set('sanitizeFilter', true);
  const models = createModels(connection);
  const sent: Sent[] = [];
  const calls: Call[] = [];
  for (const model of Object.values(models) as mongoose.Model<unknown>[]) {
    const collection = model.collection as unknown as Record<string, unknown>;
    for (const method of ['find', 'findOne', 'findOneAndUpdate', 'updateOne']) {
      collection[method] = (filter: Record<string, unknown>, update?: unknown, options?: Record<string, unknown>) => {
        sent.push({ method, filter });
        const call = { method, filter, update, options: options ?? {} };
        calls.push(call);
        if (method === 'find') return { toArray: async () => [] };
        try {
          return Promise.resolve(respond(call));
        } catch (error) {
          return Promise.reject(error);
        }
      };
    }
  }
  return { models, connection, sent, calls };
}

/** Through JSON: dates become strings and the trusted-operator marker (a symbol key) goes. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

const injected = { $ne: null } as unknown as string;
const seq = async () => 1;

test('the mongo store module imports and compiles its models without a server', async () => {
  const { createMongoStore } = await import('../../src/store/mongo/index.ts');
  expect(typeof createMongoStore).toBe('function');
  const { models } = recordingModels();
  expect(models.Invite.schema.indexes()).toContainEqual([{ tokenHash: 1 }, { unique: true }]);
  expect(models.OidcPayload.schema.indexes()).toContainEqual([{ expiresAt: 1 }, { expireAfterSeconds: 0 }]);
  const withRetention = createModels(mongoose.createConnection(), { auditRetentionDays: 30 });
  expect(withRetention.Audit.schema.indexes()).toContainEqual([{ at: 1 }, { expireAfterSeconds: 30 * 86_400 }]);
});

test('operator objects smuggled in as values are matched literally, never as operators', async () => {
  const { models, connection, sent } = recordingModels();
  const invites = createMongoInviteStore(connection, models, seq);
  const accounts = createMongoAccountStore(connection, models, seq);
  await invites.findByTokenHash(injected);
  await invites.list({ email: injected, createdBy: injected }, { limit: 5 }, new Date());
  await accounts.findByEmail(injected);
  const json = JSON.stringify(sent.map((s) => s.filter));
  expect(sent).toHaveLength(3);
  expect(json).not.toContain('$ne');
});

test('a redemption claims its use with one conditional filter: pending, unexpired and uses < maxUses', () => {
  const now = new Date();
  // Through JSON: the trusted marker is a symbol key that toEqual would also compare.
  expect(JSON.parse(JSON.stringify(claimableFilter('inv-1', now)))).toEqual({ _id: 'inv-1', revokedAt: null, expiresAt: { $gt: now.toISOString() }, $expr: { $lt: ['$uses', '$maxUses'] } });
});

describe('rate limits: take is one conditional upsert, judged from the document before it', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const WINDOW = 60_000;
  const fresh = new Date(now.getTime() + WINDOW);

  test('the update: count up in a live window below the limit, stay put when full, restart when ended', async () => {
    const { models, calls } = recordingModels();
    await createMongoRateLimitStore(models).take('rl:count:login_failure:abc@192.0.2.1', 5, WINDOW, now);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.method).toBe('findOneAndUpdate');
    expect(plain(call!.filter)).toEqual({ _id: 'rl:count:login_failure:abc@192.0.2.1' });
    const live = { $gt: ['$resetAt', { $literal: now.toISOString() }] };
    expect(plain(call!.update)).toEqual([
      {
        $set: {
          count: { $cond: { if: live, then: { $cond: { if: { $gte: ['$count', { $literal: 5 }] }, then: '$count', else: { $add: ['$count', 1] } } }, else: 1 } },
          resetAt: { $cond: { if: live, then: '$resetAt', else: { $literal: fresh.toISOString() } } },
        },
      },
    ]);
    // The document from before the update is what tells taken from refused, in the same atomic step.
    expect(call!.options).toMatchObject({ upsert: true, returnDocument: 'before' });
  });

  test.each([
    ['no document yet', null, { taken: true, count: 1, resetAt: fresh }],
    ['an ended window', { _id: 'k', count: 9, resetAt: now }, { taken: true, count: 1, resetAt: fresh }],
    ['a live window below the limit', { _id: 'k', count: 4, resetAt: new Date(now.getTime() + 5_000) }, { taken: true, count: 5, resetAt: new Date(now.getTime() + 5_000) }],
    ['a full live window', { _id: 'k', count: 5, resetAt: new Date(now.getTime() + 5_000) }, { taken: false, count: 5, resetAt: new Date(now.getTime() + 5_000) }],
  ])('before: %s', async (_name, before, expected) => {
    const { models } = recordingModels(() => before);
    expect(await createMongoRateLimitStore(models).take('k', 5, WINDOW, now)).toEqual(expected);
  });

  test('two first takes racing to insert: the loser retries once and is judged on the winner\'s document', async () => {
    let round = 0;
    const { models, calls } = recordingModels(() => {
      round += 1;
      if (round === 1) throw Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
      return { _id: 'k', count: 1, resetAt: fresh };
    });
    expect(await createMongoRateLimitStore(models).take('k', 5, WINDOW, now)).toEqual({ taken: true, count: 2, resetAt: fresh });
    expect(calls).toHaveLength(2);
  });

  test('a limit below 1 sends nothing and admits nobody', async () => {
    const { models, calls } = recordingModels();
    expect((await createMongoRateLimitStore(models).take('k', 0, WINDOW, now)).taken).toBe(false);
    expect(calls).toEqual([]);
  });

  test('giveBack is one conditional decrement of a live, positive count', async () => {
    const { models, calls } = recordingModels(() => ({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 }));
    await createMongoRateLimitStore(models).giveBack('k', now);
    expect(calls.map((call) => ({ method: call.method, filter: plain(call.filter), update: plain(call.update) }))).toEqual([
      { method: 'updateOne', filter: { _id: 'k', count: { $gt: 0 }, resetAt: { $gt: now.toISOString() } }, update: { $inc: { count: -1 } } },
    ]);
  });
});

describe('verifications: a resend is claimed with one conditional update before it is sent', () => {
  const now = new Date('2030-01-01T00:10:00Z');
  const sentBefore = new Date('2030-01-01T00:09:00Z');
  const expiresAt = new Date('2030-01-01T01:10:00Z');
  const iso = (date: Date) => date.toISOString();

  test('claimSend: every rule in the filter, the send counted and stamped in the same update', async () => {
    const { models, calls } = recordingModels();
    expect(await createMongoVerificationStore(models).claimSend('ver-1', { now, sentBefore, maxSends: 6, expiresAt })).toBeNull();
    expect(calls.map((call) => ({ method: call.method, filter: plain(call.filter), update: plain(call.update) }))).toEqual([
      {
        method: 'findOneAndUpdate',
        filter: { _id: 'ver-1', consumedAt: null, expiresAt: { $gt: iso(now) }, sends: { $lt: 6 }, lastSentAt: { $lte: iso(sentBefore) } },
        update: { $inc: { sends: 1 }, $set: { lastSentAt: iso(now), expiresAt: iso(expiresAt) } },
      },
    ]);
    expect(calls[0]!.options).toMatchObject({ returnDocument: 'after' });
  });

  test('claimSend hands back the claimed record', async () => {
    const doc = { _id: 'ver-1', registration: '{"email":"a@example.test"}', emailCodeHash: 'a', phoneCodeHash: null, attempts: 1, sends: 2, lastSentAt: now, expiresAt, consumedAt: null };
    const { models } = recordingModels(() => doc);
    expect(await createMongoVerificationStore(models).claimSend('ver-1', { now, sentBefore, maxSends: 6, expiresAt })).toEqual({
      id: 'ver-1',
      registration: { email: 'a@example.test' },
      emailCodeHash: 'a',
      phoneCodeHash: null,
      attempts: 1,
      sends: 2,
      lastSentAt: now,
      expiresAt,
      consumedAt: null,
    });
  });

  test('releaseSend and setCodes touch only the send claimed at that instant', async () => {
    const { models, calls } = recordingModels(() => ({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 }));
    const store = createMongoVerificationStore(models);
    const previous = { lastSentAt: new Date('2030-01-01T00:00:00Z'), expiresAt: new Date('2030-01-01T01:00:00Z') };
    await store.releaseSend('ver-1', now, previous);
    await store.setCodes('ver-1', { emailCodeHash: 'b'.repeat(64), phoneCodeHash: null }, now);
    expect(calls.map((call) => ({ method: call.method, filter: plain(call.filter), update: plain(call.update) }))).toEqual([
      { method: 'updateOne', filter: { _id: 'ver-1', lastSentAt: iso(now) }, update: { $inc: { sends: -1 }, $set: { lastSentAt: iso(previous.lastSentAt), expiresAt: iso(previous.expiresAt) } } },
      { method: 'updateOne', filter: { _id: 'ver-1', lastSentAt: iso(now) }, update: { $set: { emailCodeHash: 'b'.repeat(64), phoneCodeHash: null } } },
    ]);
  });
});

test('enqueueMany of several jobs is one transaction; a single job is one insert', async () => {
  const { recordingModels: record } = await import('./mongo-recorder.ts');
  const { createMongoJobStore } = await import('../../src/store/mongo/jobs.ts');
  const { models, connection, sent } = record();
  let transactions = 0;
  const transaction = (connection as unknown as { transaction: (work: (session: unknown) => unknown) => Promise<unknown> }).transaction;
  (connection as unknown as { transaction: unknown }).transaction = async (work: (session: unknown) => unknown) => {
    transactions++;
    const before = sent.length;
    const result = await transaction(work);
    // Everything the transaction sent is the one insertMany of the whole batch.
    expect(sent.slice(before).map((s) => s.method)).toEqual(['insertMany']);
    return result;
  };
  const jobs = createMongoJobStore(connection, models);
  await jobs.enqueueMany('mail', [{ n: 1 }, { n: 2 }, { n: 3 }], new Date());
  expect(transactions).toBe(1);
  await jobs.enqueueMany('mail', [{ n: 4 }], new Date());
  expect(transactions).toBe(1);
  expect(sent.map((s) => s.method)).toEqual(['insertMany', 'insertOne']);
});

test('the audit export reads page by page (a bounded find each time), never one long-lived cursor', async () => {
  const { recordingModels: record } = await import('./mongo-recorder.ts');
  const { createMongoAuditStore } = await import('../../src/store/mongo/audit.ts');
  const { models, sent } = record();
  for await (const _ of createMongoAuditStore(models).stream({ type: 'login.failed' })) void _;
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ collection: 'audit_events', method: 'find', options: { limit: 501, sort: { at: -1, ord: -1 } } });
});

test('job leases are timed by the database ($$NOW), and complete, retry and fail match the lease they hold', async () => {
  const { recordingModels: record } = await import('./mongo-recorder.ts');
  const { createMongoJobStore } = await import('../../src/store/mongo/jobs.ts');
  const { models, connection, sent } = record();
  const jobs = createMongoJobStore(connection, models);
  await jobs.claimNext('mail', 60_000);
  const lease = { id: 'job-1', lease: 'lease-1' };
  await jobs.complete(lease);
  await jobs.retry(lease, 5_000, 'SMTP 451');
  await jobs.fail(lease, 'gave up');
  const [claim, complete, retry, fail] = JSON.parse(JSON.stringify(sent));
  expect(claim.filter.$expr).toEqual({ $lte: ['$runAt', '$$NOW'] });
  expect(claim.second[0].$set.runAt).toEqual({ $add: ['$$NOW', 60_000] });
  expect(claim.second[0].$set.lease).toEqual({ $literal: expect.any(String) });
  for (const write of [complete, retry, fail]) expect(write.filter).toEqual({ _id: 'job-1', state: 'leased', lease: 'lease-1' });
  expect(complete.method).toBe('deleteOne');
  expect(retry.second[0].$set).toMatchObject({ state: 'waiting', runAt: { $add: ['$$NOW', 5_000] }, lease: null });
  expect(fail.second[0].$set).toMatchObject({ state: 'failed', failedAt: '$$NOW', lease: null });
});

test('the console\'s filters stay literal: a search is an escaped, anchored prefix; app, role and ids are scalars', async () => {
  const { models, connection, sent } = recordingModels();
  const invites = createMongoInviteStore(connection, models, seq);
  const accounts = createMongoAccountStore(connection, models, seq);
  await invites.list({ emailPrefix: '.*(a|b)+$', clientId: injected, role: injected }, { limit: 5 }, new Date());
  await accounts.list({ invitedBy: injected, role: injected, ids: [injected] }, { limit: 5 });
  const [inviteQuery, accountQuery] = JSON.parse(JSON.stringify(sent.map((s) => s.filter))) as Record<string, unknown>[];
  expect(inviteQuery).toEqual({ $and: [{ email: { $regex: '^\\.\\*\\(a\\|b\\)\\+\\$' } }, { clientId: '[object Object]' }, { roles: '[object Object]' }] });
  expect(JSON.stringify(accountQuery)).not.toContain('$ne');
  expect(accountQuery).toMatchObject({ invitedBy: '[object Object]', roles: '[object Object]', _id: { $in: ['[object Object]'] } });
});

test('the overview\'s audit count keeps its own operators under sanitizeFilter', async () => {
  const { models, sent } = recordingModels();
  const counted: Record<string, unknown>[] = [];
  (models.Audit.collection as unknown as Record<string, unknown>).countDocuments = (filter: Record<string, unknown>) => {
    counted.push(filter);
    return Promise.resolve(0);
  };
  const { createMongoAuditStore } = await import('../../src/store/mongo/audit.ts');
  const since = new Date('2030-01-01T00:00:00Z');
  const until = new Date('2030-01-31T00:00:00Z');
  await createMongoAuditStore(models).count({ type: 'invite.created', since, until });
  expect(JSON.parse(JSON.stringify(counted))).toEqual([{ type: 'invite.created', at: { $gte: since.toISOString(), $lt: until.toISOString() } }]);
  expect(sent).toEqual([]);
});
