// The MongoDB adapter of the document store port, through the official driver.
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { fromStored, toStored, toStoredFilter, toStoredUpdate } from './mapping';
import { DuplicateKeyError, type Collection, type DocumentStore, type IndexSpec } from './types';

/** MongoDB's IndexOptionsConflict: an index on the same keys exists with other options. */
const INDEX_OPTIONS_CONFLICT = 85;

type Raw = Record<string, unknown>;

function rethrow(name: string, err: unknown): never {
  if (err instanceof MongoServerError && err.code === 11000) throw new DuplicateKeyError(name);
  throw err;
}

class MongoCollection<T extends { id: string }> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly db: Db,
  ) {}

  private get c() {
    return this.db.collection<Document>(this.name);
  }

  async insert(doc: T): Promise<T> {
    try {
      await this.c.insertOne(toStored(doc));
    } catch (err) {
      rethrow(this.name, err);
    }
    return doc;
  }

  async insertMany(docs: T[]): Promise<{ duplicates: string[] }> {
    if (docs.length === 0) return { duplicates: [] };
    try {
      // Unordered: a taken key fails only its own document, the rest are written.
      await this.c.insertMany(docs.map(toStored), { ordered: false });
      return { duplicates: [] };
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) rethrow(this.name, err);
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      if (errors.some((e) => e.code !== 11000)) throw err;
      return { duplicates: errors.map((e) => docs[e.index]!.id) };
    }
  }

  async findOne(filter: Raw): Promise<T | null> {
    return fromStored<T>(await this.c.findOne(toStoredFilter(filter)));
  }

  async find(
    filter: Raw,
    options: { sort?: Record<string, 1 | -1>; limit?: number; skip?: number } = {},
  ): Promise<T[]> {
    let cursor = this.c.find(toStoredFilter(filter));
    if (options.sort)
      cursor = cursor.sort(
        Object.fromEntries(Object.entries(options.sort).map(([k, v]) => [k === 'id' ? '_id' : k, v])),
      );
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()).map((d) => fromStored<T>(d)!);
  }

  count(filter: Raw): Promise<number> {
    return this.c.countDocuments(toStoredFilter(filter));
  }

  async updateOne(filter: Raw, update: Parameters<Collection<T>['updateOne']>[1]): Promise<T | null> {
    const ops = toStoredUpdate(update);
    if (Object.keys(ops).length === 0) return this.findOne(filter);
    try {
      const res = await this.c.findOneAndUpdate(toStoredFilter(filter), ops, { returnDocument: 'after' });
      return fromStored<T>(res);
    } catch (err) {
      rethrow(this.name, err);
    }
  }

  async updateMany(filter: Raw, update: Parameters<Collection<T>['updateMany']>[1]): Promise<number> {
    const ops = toStoredUpdate(update);
    if (Object.keys(ops).length === 0) return 0;
    return (await this.c.updateMany(toStoredFilter(filter), ops)).modifiedCount;
  }

  async upsert(filter: Raw, update: Parameters<Collection<T>['upsert']>[1], doc: T): Promise<T> {
    const ops = toStoredUpdate(update);
    const stored = toStored(doc);
    const touched = new Set(Object.keys({ ...(ops.$set as Raw), ...(ops.$inc as Raw), ...(ops.$unset as Raw) }));
    const onInsert = Object.fromEntries(Object.entries(stored).filter(([k]) => !touched.has(k)));
    try {
      const res = await this.c.findOneAndUpdate(
        toStoredFilter(filter),
        { ...ops, $setOnInsert: onInsert },
        { upsert: true, returnDocument: 'after' },
      );
      return fromStored<T>(res)!;
    } catch (err) {
      rethrow(this.name, err);
    }
  }

  async deleteOne(filter: Raw): Promise<boolean> {
    return (await this.c.deleteOne(toStoredFilter(filter))).deletedCount > 0;
  }

  async deleteMany(filter: Raw): Promise<number> {
    return (await this.c.deleteMany(toStoredFilter(filter))).deletedCount;
  }
}

export class MongoStore implements DocumentStore {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async connect(url: string, options: { serverSelectionTimeoutMS?: number } = {}): Promise<MongoStore> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000 });
    await client.connect();
    return new MongoStore(client, client.db());
  }

  collection<T extends { id: string }>(name: string): Collection<T> {
    return new MongoCollection<T>(name, this.db);
  }

  async ensureIndexes(specs: IndexSpec[]): Promise<void> {
    for (const spec of specs) {
      const keys = Object.fromEntries(spec.fields.map((f) => [f === 'id' ? '_id' : f, 1 as const]));
      const coll = this.db.collection(spec.collection);
      const options = { unique: spec.unique ?? false, sparse: spec.sparse ?? false };
      try {
        await coll.createIndex(keys, options);
      } catch (err) {
        // The same keys with other options (unique, sparse) from an earlier version: rebuild it.
        if (!(err instanceof MongoServerError) || err.code !== INDEX_OPTIONS_CONFLICT) throw err;
        await coll.dropIndex(
          Object.entries(keys)
            .map(([k, v]) => `${k}_${v}`)
            .join('_'),
        );
        await coll.createIndex(keys, options);
      }
    }
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
