// Without a server: the MongoDB store's filters keep caller values literal under sanitizeFilter.
import mongoose from 'mongoose';
import { createModels, type Models } from '../../src/store/mongo/models.ts';
import { createMongoInviteStore } from '../../src/store/mongo/invites.ts';
import { createMongoAccountStore } from '../../src/store/mongo/accounts.ts';

interface Sent {
  method: string;
  filter: Record<string, unknown>;
}

/** Models on an unconnected connection whose collections record what would have been sent. */
function recordingModels(): { models: Models; connection: mongoose.Connection; sent: Sent[] } {
  const connection = mongoose.createConnection();
  connection.set('sanitizeFilter', true);
  const models = createModels(connection);
  const sent: Sent[] = [];
  for (const model of Object.values(models) as mongoose.Model<unknown>[]) {
    const collection = model.collection as unknown as Record<string, unknown>;
    for (const method of ['find', 'findOne', 'findOneAndUpdate', 'updateOne']) {
      collection[method] = (filter: Record<string, unknown>) => {
        sent.push({ method, filter });
        return method === 'find' ? { toArray: async () => [] } : Promise.resolve(null);
      };
    }
  }
  return { models, connection, sent };
}

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

test('a claim is one conditional update: pending, unexpired and uses < maxUses', async () => {
  const { models, connection, sent } = recordingModels();
  const now = new Date();
  await createMongoInviteStore(connection, models, seq).claimUse('inv-1', now);
  // Through JSON: the trusted marker is a symbol key that toEqual would also compare.
  expect(JSON.parse(JSON.stringify(sent))).toEqual([
    { method: 'findOneAndUpdate', filter: { _id: 'inv-1', revokedAt: null, expiresAt: { $gt: now.toISOString() }, $expr: { $lt: ['$uses', '$maxUses'] } } },
  ]);
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
  await createMongoAuditStore(models, seq).count({ type: 'invite.created', since, until });
  expect(JSON.parse(JSON.stringify(counted))).toEqual([{ type: 'invite.created', at: { $gte: since.toISOString(), $lt: until.toISOString() } }]);
  expect(sent).toEqual([]);
});
