// The MongoDB container's healthcheck: on the first start it initiates the single-node replica set;
// it reports healthy only while that set has a writable primary (what Guestlist needs to start).
const fs = require('fs');

const admin = db.getSiblingDB('admin');
admin.auth('root', fs.readFileSync('/run/secrets/mongo_root_password', 'utf8').trim());
try {
  rs.status();
} catch (error) {
  // NotYetInitialized (94): the very first start.
  if (error.code !== 94) throw error;
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] });
}
quit(admin.runCommand({ hello: 1 }).isWritablePrimary ? 0 : 1);
