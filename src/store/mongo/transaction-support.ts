// Refuses, at boot, a MongoDB that cannot run transactions: redeeming an invitation is one
// multi-document transaction, and a standalone server would fail every redemption with a 500.
import type { MongoAdmin } from './mongo-admin.ts';

export class TransactionsUnsupportedError extends Error {
  constructor() {
    super(
      'MongoDB at mongodb_uri is a standalone server, which cannot run transactions. Guestlist needs a replica set ' +
        '(a single-node one will do: start mongod with --replSet rs0, then run rs.initiate() once) or a sharded cluster (mongos).',
    );
    this.name = 'TransactionsUnsupportedError';
  }
}

export async function assertTransactionSupport(admin: MongoAdmin): Promise<void> {
  const hello = await admin.hello();
  // A replica set member names its set; a mongos says 'isdbgrid'. Anything else is standalone.
  if (typeof hello.setName === 'string' && hello.setName.length > 0) return;
  if (hello.msg === 'isdbgrid') return;
  throw new TransactionsUnsupportedError();
}
