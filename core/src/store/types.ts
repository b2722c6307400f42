// The document store port: one interface, two adapters (MongoDB, embedded file store).

/**
 * A filter in the subset both adapters speak natively: equality on fields, and
 * `$in`, `$nin`, `$ne`, `$lt`, `$lte`, `$gt`, `$gte`, `$exists` on one field; `$or` of such filters.
 * Values come from validated input only, never from raw request bodies.
 */
export type Filter = Record<string, unknown>;

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}

export interface Update<T> {
  set?: Partial<T>;
  unset?: (keyof T & string)[];
  inc?: Partial<Record<keyof T & string, number>>;
}

export interface IndexSpec {
  collection: string;
  fields: string[];
  unique?: boolean;
  /** Skip documents that do not have the field (for unique indexes on optional fields). */
  sparse?: boolean;
  /**
   * Built by MongoDB only: for a query shape the embedded store cannot serve from an index anyway
   * ($exists, sort), where keeping the index would only slow its writes.
   */
  mongoOnly?: boolean;
}

export interface Collection<T extends { id: string }> {
  /** Inserts a document; rejects with DuplicateKeyError when a unique index is violated. */
  insert(doc: T): Promise<T>;
  /**
   * Inserts many documents in one write. A document whose unique key is already taken (in the store or
   * earlier in `docs`) is skipped, not an error: its id is listed in `duplicates`; the others are written.
   */
  insertMany(docs: T[]): Promise<{ duplicates: string[] }>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Updates the first match atomically and returns it as it is after the update. */
  updateOne(filter: Filter, update: Update<T>): Promise<T | null>;
  updateMany(filter: Filter, update: Update<T>): Promise<number>;
  /** Inserts `doc` if nothing matches, else applies `update`; returns the document after. */
  upsert(filter: Filter, update: Update<T>, doc: T): Promise<T>;
  deleteOne(filter: Filter): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
}

export interface DocumentStore {
  readonly kind: 'mongodb' | 'embedded';
  /**
   * True when every writer of this store lives in this process (the embedded store's datafiles are opened by
   * one process only), so work can be coordinated in memory instead of through the store.
   */
  readonly singleProcess?: boolean;
  collection<T extends { id: string }>(name: string): Collection<T>;
  ensureIndexes(specs: IndexSpec[]): Promise<void>;
  /** Resolves when the store answers; rejects when it is not reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    message = `duplicate key in ${collection}`,
  ) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

/** Tenant data is reached only through a view that adds `appId` to every filter and document. */
export interface TenantCollection<T extends { id: string; appId: string }> {
  readonly appId: string;
  insert(doc: Omit<T, 'appId'>): Promise<T>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  updateOne(filter: Filter, update: Update<T>): Promise<T | null>;
  updateMany(filter: Filter, update: Update<T>): Promise<number>;
  upsert(filter: Filter, update: Update<T>, doc: Omit<T, 'appId'>): Promise<T>;
  deleteOne(filter: Filter): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
}

/** A view of a collection scoped to one app (a class, so creating one per request costs no closures). */
class TenantView<T extends { id: string; appId: string }> implements TenantCollection<T> {
  constructor(
    private readonly collection: Collection<T>,
    readonly appId: string,
  ) {}

  private scope(filter: Filter): Filter {
    // The app first: the embedded store looks a document up through the last indexed field of the filter, so a
    // filter by id reads the id index rather than every document of the app. The tenant's app always wins.
    const scoped: Filter = { appId: this.appId, ...filter };
    scoped.appId = this.appId;
    return scoped;
  }

  insert(doc: Omit<T, 'appId'>): Promise<T> {
    return this.collection.insert({ ...doc, appId: this.appId } as T);
  }
  findOne(filter: Filter): Promise<T | null> {
    return this.collection.findOne(this.scope(filter));
  }
  find(filter: Filter, options?: FindOptions): Promise<T[]> {
    return this.collection.find(this.scope(filter), options);
  }
  count(filter: Filter): Promise<number> {
    return this.collection.count(this.scope(filter));
  }
  updateOne(filter: Filter, update: Update<T>): Promise<T | null> {
    return this.collection.updateOne(this.scope(filter), update);
  }
  updateMany(filter: Filter, update: Update<T>): Promise<number> {
    return this.collection.updateMany(this.scope(filter), update);
  }
  upsert(filter: Filter, update: Update<T>, doc: Omit<T, 'appId'>): Promise<T> {
    return this.collection.upsert(this.scope(filter), update, { ...doc, appId: this.appId } as T);
  }
  deleteOne(filter: Filter): Promise<boolean> {
    return this.collection.deleteOne(this.scope(filter));
  }
  deleteMany(filter: Filter): Promise<number> {
    return this.collection.deleteMany(this.scope(filter));
  }
}

export function tenantCollection<T extends { id: string; appId: string }>(
  collection: Collection<T>,
  appId: string,
): TenantCollection<T> {
  if (!appId) throw new Error('tenantCollection needs an appId');
  return new TenantView(collection, appId);
}
