// Picks the store adapter once at start-up: MongoDB when a URL is given, else the embedded store.
import { EmbeddedStore } from './embedded';
import { MongoStore } from './mongo';
import type { DocumentStore } from './types';

export * from './types';
export { EmbeddedStore } from './embedded';
export { MongoStore } from './mongo';

export async function openStore(opts: { mongodbUrl?: string; dataDir: string }): Promise<DocumentStore> {
  if (opts.mongodbUrl) return MongoStore.connect(opts.mongodbUrl);
  const store = new EmbeddedStore({ dataDir: opts.dataDir });
  await store.ping();
  return store;
}
