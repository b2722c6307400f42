// The embedded document store: one append-only NeDB datafile per collection under DATA_DIR.
// A write is acknowledged after its line is appended to the datafile, so it survives kill -9.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import Datastore from '@seald-io/nedb';
// @ts-expect-error NeDB's query matcher and copier ship without type declarations
import nedbModel from '@seald-io/nedb/lib/model.js';
import { fromStored, toStored, toStoredFilter, toStoredUpdate } from './mapping';
import { DuplicateKeyError, type Collection, type DocumentStore, type IndexSpec } from './types';

type Raw = Record<string, unknown>;

const model = nedbModel as {
  match(doc: Raw, query: Raw): boolean;
  deepCopy<D>(doc: D): D;
  serialize(doc: Raw): string;
};

/** Whether a document holds a Date anywhere (NeDB's own test: anything with a getTime method). */
function holdsDate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { getTime?: unknown }).getTime === 'function') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsDate(item)) return true;
    return false;
  }
  for (const key in value) if (holdsDate((value as Raw)[key])) return true;
  return false;
}

/** Characters NeDB's datafile reader takes for the end of a line; JSON.stringify leaves them as they are. */
const LINE_BREAK_JSON_KEEPS = /[\u0085\u2028\u2029]/;
const LINE_BREAKS_JSON_KEEPS = /[\u0085\u2028\u2029]/g;

/**
 * A serialized document as one datafile line: the line breaks JSON keeps raw inside strings are written as JSON
 * escapes, which parse back to the same characters. Unescaped, a chat message holding U+2028 split its line in two
 * on the next load, and NeDB refuses to open a datafile with more than 10% of its lines unreadable.
 */
function oneLine(json: string): string {
  return LINE_BREAK_JSON_KEEPS.test(json)
    ? json.replace(LINE_BREAKS_JSON_KEEPS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

/**
 * One datafile line, as NeDB's own serializer writes it. NeDB's runs a replacer function on every key to check it
 * and to write Dates as `{$$date}`; the keys of a written document were checked when it was inserted or
 * modified, so a document without a Date is the same line by plain JSON.stringify, at a fraction of the cost.
 */
function datafileLine(doc: Raw): string {
  return oneLine(holdsDate(doc) ? model.serialize(doc) : JSON.stringify(doc));
}

/**
 * Appends the lines of the documents a write changed, as NeDB's persistence does, but serialized by
 * datafileLine and without awaiting each line (NeDB awaits its serialization hook once per document), through
 * a datafile kept open: appending by name opened, wrote and closed it, three trips to the thread pool that each
 * waited for a turn of the event loop, where a busy server spends milliseconds. Compaction and loading stay
 * NeDB's own; they replace the datafile, so the open one is closed first. Returns what closes it.
 */
function appendLinesFaster(db: Datastore<Raw>, filename: string): () => Promise<void> {
  const persistence = db.persistence as unknown as {
    modes: { fileMode: number };
    persistNewStateAsync(docs: Raw[]): Promise<void>;
    persistCachedDatabaseAsync(): Promise<void>;
  };
  // NeDB runs a datastore's writes and rewrites one at a time, so no append is under way while this changes.
  let datafile: Promise<FileHandle> | null = null;
  const closeDatafile = async () => {
    const opened = datafile;
    datafile = null;
    await (await opened?.catch(() => null))?.close();
  };
  const rewrite = persistence.persistCachedDatabaseAsync.bind(persistence);
  persistence.persistCachedDatabaseAsync = async () => {
    await closeDatafile();
    await rewrite();
  };
  persistence.persistNewStateAsync = async (docs) => {
    let lines = '';
    for (const doc of docs) lines += datafileLine(doc) + '\n';
    if (lines.length === 0) return;
    datafile ??= open(filename, 'a', persistence.modes.fileMode);
    try {
      await (await datafile).appendFile(lines, 'utf8');
    } catch (err) {
      await closeDatafile().catch(() => undefined); // opened anew by the next append
      throw err;
    }
  };
  return closeDatafile;
}

/**
 * NeDB keeps every document in memory; this is its synchronous look-up of the candidates of a query (through
 * the query's index when it has one), the first step of each of its own finds. Its public finds also queue
 * behind every write that has not finished, and then run a cursor: for a single document, most of the cost.
 */
interface Candidates {
  _getRawCandidates(query: Raw): Raw[];
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { errorType?: string }).errorType === 'uniqueViolated';
}

class EmbeddedCollection<T extends { id: string }> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly db: Datastore<Raw>,
    /** Resolves once the datafile is loaded; every call waits for it, so load errors surface there. */
    private readonly ready: Promise<void>,
  ) {}

  async insert(doc: T): Promise<T> {
    await this.ready;
    try {
      await this.db.insertAsync(toStored(doc));
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
    return doc;
  }

  async insertMany(docs: T[]): Promise<{ duplicates: string[] }> {
    await this.ready;
    if (docs.length === 0) return { duplicates: [] };
    try {
      // NeDB writes an array as one append, all or nothing.
      await this.db.insertAsync(docs.map(toStored));
      return { duplicates: [] };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    // Some key was taken: the batch was rolled back, so write the documents one by one to skip just those.
    const duplicates: string[] = [];
    for (const doc of docs) {
      try {
        await this.db.insertAsync(toStored(doc));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        duplicates.push(doc.id);
      }
    }
    return { duplicates };
  }

  /**
   * Read straight from memory: it sees every write that has been applied, which includes each write whose call
   * has returned, and the one being appended to the datafile at that moment; a write still queued is not seen,
   * as it would not be had the read come a moment earlier.
   */
  async findOne(filter: Raw): Promise<T | null> {
    await this.ready;
    const query = toStoredFilter(filter);
    for (const doc of (this.db as unknown as Candidates)._getRawCandidates(query))
      if (model.match(doc, query)) return fromStored<T>(model.deepCopy(doc));
    return null;
  }

  async find(
    filter: Raw,
    options: { sort?: Record<string, 1 | -1>; limit?: number; skip?: number } = {},
  ): Promise<T[]> {
    await this.ready;
    let cursor = this.db.findAsync(toStoredFilter(filter));
    if (options.sort) cursor = cursor.sort(renameIdKey(options.sort));
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor).map((d) => fromStored<T>(d)!);
  }

  async count(filter: Raw): Promise<number> {
    await this.ready;
    return this.db.countAsync(toStoredFilter(filter));
  }

  async updateOne(filter: Raw, update: Parameters<Collection<T>['updateOne']>[1]): Promise<T | null> {
    await this.ready;
    const ops = toStoredUpdate(update);
    if (Object.keys(ops).length === 0) return this.findOne(filter);
    try {
      const res = await this.db.updateAsync(toStoredFilter(filter), ops, { returnUpdatedDocs: true, multi: false });
      return fromStored<T>(res.affectedDocuments as Raw | null);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async updateMany(filter: Raw, update: Parameters<Collection<T>['updateMany']>[1]): Promise<number> {
    await this.ready;
    const ops = toStoredUpdate(update);
    if (Object.keys(ops).length === 0) return 0;
    const res = await this.db.updateAsync(toStoredFilter(filter), ops, { multi: true });
    return res.numAffected;
  }

  async upsert(filter: Raw, update: Parameters<Collection<T>['upsert']>[1], doc: T): Promise<T> {
    const existing = await this.updateOne(filter, update);
    if (existing) return existing;
    try {
      return await this.insert(doc);
    } catch (err) {
      // Lost a race with another insert of the same key: apply the update to the winner.
      if (err instanceof DuplicateKeyError) {
        const after = await this.updateOne(filter, update);
        if (after) return after;
      }
      throw err;
    }
  }

  async deleteOne(filter: Raw): Promise<boolean> {
    await this.ready;
    return (await this.db.removeAsync(toStoredFilter(filter), { multi: false })) > 0;
  }

  async deleteMany(filter: Raw): Promise<number> {
    await this.ready;
    return this.db.removeAsync(toStoredFilter(filter), { multi: true });
  }
}

function renameIdKey(sort: Record<string, 1 | -1>): Record<string, 1 | -1> {
  return Object.fromEntries(Object.entries(sort).map(([k, v]) => [k === 'id' ? '_id' : k, v]));
}

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** How often each datafile is rewritten without its superseded lines. */
  compactionIntervalMs?: number;
}

export class EmbeddedStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  readonly singleProcess = true;
  private readonly dbs = new Map<string, Datastore<Raw>>();
  private readonly loading = new Map<string, Promise<void>>();
  /** What closes each collection's open datafile. */
  private readonly datafiles = new Map<string, () => Promise<void>>();
  private readonly collections = new Map<string, EmbeddedCollection<{ id: string }>>();
  private readonly dir: string;

  constructor(private readonly options: EmbeddedStoreOptions) {
    this.dir = join(options.dataDir, 'store');
    mkdirSync(this.dir, { recursive: true });
  }

  private db(name: string): Datastore<Raw> {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`invalid collection name ${name}`);
    let db = this.dbs.get(name);
    if (!db) {
      const filename = join(this.dir, `${name}.db`);
      // The hooks escape line breaks in the lines NeDB writes itself (compaction); JSON.parse reads them back.
      db = new Datastore<Raw>({ filename, afterSerialization: oneLine, beforeDeserialization: (line) => line });
      this.datafiles.set(name, appendLinesFaster(db, filename));
      this.dbs.set(name, db);
      this.loading.set(name, db.loadDatabaseAsync());
      const interval = this.options.compactionIntervalMs ?? 10 * 60_000;
      db.setAutocompactionInterval(interval);
    }
    return db;
  }

  collection<T extends { id: string }>(name: string): Collection<T> {
    let coll = this.collections.get(name);
    if (!coll) {
      const db = this.db(name);
      coll = new EmbeddedCollection<{ id: string }>(name, db, this.loading.get(name)!);
      this.collections.set(name, coll);
    }
    return coll as unknown as Collection<T>;
  }

  /**
   * Creates the indexes the embedded store uses. NeDB keeps an index in its datafile once created, so an index
   * whose options changed (unique, sparse) is rebuilt.
   */
  async ensureIndexes(specs: IndexSpec[]): Promise<void> {
    for (const spec of specs) {
      if (spec.mongoOnly) continue;
      const db = this.db(spec.collection);
      await this.loading.get(spec.collection);
      const fields = spec.fields.map((f) => (f === 'id' ? '_id' : f));
      const unique = spec.unique ?? false;
      const sparse = spec.sparse ?? false;
      // NeDB names an index by its fields, sorted and joined; its `indexes` table is not in its typings
      const name = [...fields].sort().join(',');
      const { indexes } = db as unknown as {
        indexes: Record<string, { unique: boolean; sparse: boolean } | undefined>;
      };
      const existing = indexes[name];
      if (existing && (existing.unique !== unique || existing.sparse !== sparse)) await db.removeIndexAsync(name);
      await db.ensureIndexAsync({ fieldName: fields.length === 1 ? fields[0]! : fields, unique, sparse });
    }
  }

  async ping(): Promise<void> {
    await Promise.all(this.loading.values());
  }

  async close(): Promise<void> {
    for (const [name, db] of this.dbs) {
      db.stopAutocompaction();
      await db.compactDatafileAsync().catch(() => undefined);
      await this.datafiles
        .get(name)?.()
        .catch(() => undefined);
    }
  }
}
