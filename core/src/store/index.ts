// Picks the store adapter once at start-up: MongoDB when a URL is given, else the embedded store.
import { EmbeddedStore } from './embedded';
import { MongoStore } from './mongo';
import { RemoteStore } from './remote';
import type { DocumentStore } from './types';

export * from './types';
export { insertBatcher, type InsertBatcher } from './batch';
export { EmbeddedStore } from './embedded';
export { MongoStore } from './mongo';
export { RemoteStore, storeHandler, storeUrlEnv } from './remote';

export async function openStore(opts: {
  mongodbUrl?: string;
  storeUrl?: string;
  dataDir: string;
}): Promise<DocumentStore> {
  if (opts.mongodbUrl) return MongoStore.connect(opts.mongodbUrl);
  if (opts.storeUrl) {
    const store = new RemoteStore(opts.storeUrl);
    await store.ping();
    return store;
  }
  const store = new EmbeddedStore({ dataDir: opts.dataDir });
  await store.ping();
  return store;
}
