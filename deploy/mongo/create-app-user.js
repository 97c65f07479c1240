// Runs once, when the database directory is first initialised (docker-entrypoint-initdb.d): creates
// the user Guestlist connects as, with rights on its own database only. Its password is the
// mongo_app_password secret; the same password goes in the mongodb_uri secret.
const fs = require('fs');

const password = fs.readFileSync('/run/secrets/mongo_app_password', 'utf8').trim();
const app = db.getSiblingDB('guestlist');

// readWrite covers documents, collections and indexes; collMod changes a TTL (audit retention) in place.
app.createRole({
  role: 'guestlistApp',
  privileges: [{ resource: { db: 'guestlist', collection: '' }, actions: ['collMod'] }],
  roles: [{ role: 'readWrite', db: 'guestlist' }],
});
app.createUser({ user: 'guestlist', pwd: password, roles: [{ role: 'guestlistApp', db: 'guestlist' }] });
