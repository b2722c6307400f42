/* global rs, print */
// Turns the single mongod of docker-compose.yml into replica set rs0 once; later runs find it initiated.
// Run by the compose service `mongo-init` with mongosh. A replica set gives change streams and
// majority writes, and lets more members join later without changing MONGODB_URL's shape.
try {
  const status = rs.status();
  print(`replica set ${status.set} already initiated`);
} catch (err) {
  if (err.codeName !== 'NotYetInitialized') throw err;
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] });
  print('replica set rs0 initiated');
}
