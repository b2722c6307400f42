// One contract for every store adapter: the embedded store always, MongoDB whenever MONGODB_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import {
  DuplicateKeyError,
  EmbeddedStore,
  MongoStore,
  RemoteStore,
  storeHandler,
  tenantCollection,
  type DocumentStore,
} from '../../src/store';
import { tempDir } from '../../testing';

interface Doc {
  id: string;
  appId: string;
  name: string;
  n: number;
  createdAt: string;
  tag?: string;
}

const mongoUrl = process.env.MONGODB_URL;
const legs: { name: string; open: () => Promise<{ store: DocumentStore; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'embedded',
    open: async () => {
      const dir = tempDir();
      const store = new EmbeddedStore({ dataDir: dir.path });
      return { store, cleanup: async () => (await store.close(), dir.remove()) };
    },
  },
  {
    // the embedded store served over loopback HTTP to the other processes of a development cluster
    name: 'remote (embedded, shared over HTTP)',
    open: async () => {
      const dir = tempDir();
      const owner = new EmbeddedStore({ dataDir: dir.path });
      const server = createServer(storeHandler(owner, 'a-store-secret'));
      const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      );
      const store = new RemoteStore(`http://:a-store-secret@127.0.0.1:${port}/`);
      const refused = new RemoteStore(`http://:wrong-secret@127.0.0.1:${port}/`);
      await expect(refused.ping()).rejects.toThrow(/401/);
      return {
        store,
        cleanup: async () => {
          await new Promise<void>((r) => server.close(() => r()));
          await owner.close();
          dir.remove();
        },
      };
    },
  },
];
if (mongoUrl) {
  legs.push({
    name: 'mongodb',
    open: async () => {
      const store = await MongoStore.connect(mongoUrl);
      return { store, cleanup: () => store.close() };
    },
  });
} else {
  console.warn('store contract: MongoDB leg skipped — set MONGODB_URL to run it against a real MongoDB.');
}

describe.each(legs)('document store contract: $name', (leg) => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  const coll = () => store.collection<Doc>(`contract_${suffix}`);
  const suffix = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    ({ store, cleanup } = await leg.open());
    await store.ensureIndexes([
      { collection: `contract_${suffix}`, fields: ['name'], unique: true },
      { collection: `contract_${suffix}`, fields: ['appId'] },
    ]);
  });
  afterAll(async () => {
    await store.collection<Doc>(`contract_${suffix}`).deleteMany({});
    await cleanup();
  });

  const doc = (i: number, appId = 'app_a'): Doc => ({
    id: `doc_${i}`,
    appId,
    name: `name-${i}`,
    n: i,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  });

  it('inserts and reads back by id and by field, exposing id and never _id', async () => {
    await coll().insert(doc(1));
    const found = await coll().findOne({ id: 'doc_1' });
    expect(found).toEqual(doc(1));
    expect(found).not.toHaveProperty('_id');
    expect(await coll().findOne({ name: 'name-1' })).toEqual(doc(1));
    expect(await coll().findOne({ name: 'nope' })).toBeNull();
  });

  it('rejects a duplicate unique key with DuplicateKeyError and keeps the first', async () => {
    await expect(coll().insert({ ...doc(2), name: 'name-1' })).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(coll().insert(doc(1))).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await coll().count({ name: 'name-1' })).toBe(1);
  });

  it('inserts many in one write, skipping and naming the documents whose unique key is taken', async () => {
    expect(await coll().insertMany([])).toEqual({ duplicates: [] });
    expect(await coll().insertMany([doc(70), doc(71)])).toEqual({ duplicates: [] });
    // doc_70 exists; doc_73 takes name-72 from doc_72 earlier in the same batch.
    const res = await coll().insertMany([doc(72), doc(70), { ...doc(73), name: 'name-72' }, doc(74)]);
    expect(res.duplicates.sort()).toEqual(['doc_70', 'doc_73']);
    const rows = await coll().find(
      { id: { $in: ['doc_70', 'doc_71', 'doc_72', 'doc_73', 'doc_74'] } },
      { sort: { n: 1 } },
    );
    expect(rows).toEqual([doc(70), doc(71), doc(72), doc(74)]);
    await coll().deleteMany({ n: { $gte: 70 } });
  });

  it('finds with operators, sort, skip and limit', async () => {
    for (const i of [3, 4, 5, 6]) await coll().insert(doc(i));
    const rows = await coll().find({ n: { $gte: 3, $lt: 6 } }, { sort: { n: -1 } });
    expect(rows.map((r) => r.n)).toEqual([5, 4, 3]);
    expect((await coll().find({ id: { $in: ['doc_3', 'doc_6'] } }, { sort: { n: 1 } })).map((r) => r.n)).toEqual([
      3, 6,
    ]);
    expect((await coll().find({}, { sort: { n: 1 }, skip: 1, limit: 2 })).map((r) => r.n)).toEqual([3, 4]);
    expect(await coll().count({ n: { $ne: 3 } })).toBe(4);
    const or = await coll().find({ $or: [{ n: 1 }, { n: 6 }] }, { sort: { n: 1 } });
    expect(or.map((r) => r.n)).toEqual([1, 6]);
  });

  it('updates atomically and returns the document after the update', async () => {
    const after = await coll().updateOne({ id: 'doc_3' }, { set: { tag: 'x' }, inc: { n: 10 } });
    expect(after).toMatchObject({ id: 'doc_3', tag: 'x', n: 13 });
    const unset = await coll().updateOne({ id: 'doc_3' }, { unset: ['tag'] });
    expect(unset).not.toHaveProperty('tag');
    expect(await coll().updateOne({ id: 'missing' }, { set: { tag: 'y' } })).toBeNull();
    // A conditional update is a claim: only one of two concurrent claims wins.
    const claims = await Promise.all([
      coll().updateOne({ id: 'doc_4', tag: { $exists: false } }, { set: { tag: 'first' } }),
      coll().updateOne({ id: 'doc_4', tag: { $exists: false } }, { set: { tag: 'second' } }),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // doc_3 is now 13, so three documents have n >= 5.
    expect(await coll().updateMany({ n: { $gte: 5 } }, { set: { tag: 'big' } })).toBe(3);
  });

  it('upserts: inserts when missing, updates when present', async () => {
    const first = await coll().upsert({ id: 'doc_u' }, { inc: { n: 1 } }, { ...doc(99), id: 'doc_u', n: 1 });
    expect(first.n).toBe(1);
    const second = await coll().upsert({ id: 'doc_u' }, { inc: { n: 1 } }, { ...doc(99), id: 'doc_u', n: 1 });
    expect(second.n).toBe(2);
  });

  it('deletes one and many', async () => {
    expect(await coll().deleteOne({ id: 'doc_u' })).toBe(true);
    expect(await coll().deleteOne({ id: 'doc_u' })).toBe(false);
    expect(await coll().deleteMany({ n: { $gte: 5 } })).toBe(3);
    expect(await coll().count({ n: { $gte: 5 } })).toBe(0);
  });

  it('scopes every tenant query by appId', async () => {
    await coll().insert(doc(50, 'app_b'));
    const a = tenantCollection(coll(), 'app_a');
    const b = tenantCollection(coll(), 'app_b');
    expect(await a.findOne({ id: 'doc_50' })).toBeNull();
    expect(await b.findOne({ id: 'doc_50' })).toMatchObject({ appId: 'app_b' });
    expect(await a.updateOne({ id: 'doc_50' }, { set: { tag: 'stolen' } })).toBeNull();
    expect(await a.deleteOne({ id: 'doc_50' })).toBe(false);
    // A filter that names another app cannot widen the scope.
    const widened = await a.find({ appId: 'app_b' } as never);
    expect(widened.every((d) => d.appId === 'app_a')).toBe(true);
    const inserted = await b.insert({ ...doc(51), appId: undefined } as never);
    expect(inserted.appId).toBe('app_b');
    expect(() => tenantCollection(coll(), '')).toThrow();
  });

  it('rebuilds an index whose options changed (unique, then unique and sparse)', async () => {
    const name = `contract_idx_${suffix}`;
    const codes = store.collection<{ id: string; code?: string }>(name);
    await store.ensureIndexes([{ collection: name, fields: ['code'], unique: true }]);
    await codes.insert({ id: 'a' });
    // unique and not sparse: a second document without the field takes the same (empty) key
    await expect(codes.insert({ id: 'b' })).rejects.toBeInstanceOf(DuplicateKeyError);
    await store.ensureIndexes([{ collection: name, fields: ['code'], unique: true, sparse: true }]);
    await codes.insert({ id: 'b' });
    await codes.insert({ id: 'c', code: 'x' });
    await expect(codes.insert({ id: 'd', code: 'x' })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await codes.count({})).toBe(3);
    await codes.deleteMany({});
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('document store contract: mongodb', () => {
  it.skipIf(!mongoUrl)('runs the same contract against MongoDB when MONGODB_URL is set (skipped: not set)', () => {
    expect(legs.map((l) => l.name)).toContain('mongodb');
  });
});

describe('embedded store datafiles', () => {
  it('keeps every acknowledged write for a process that never closed the store, Dates as Dates', async () => {
    const dir = tempDir();
    type Row = { id: string; n: number; at?: Date; tags?: string[]; note?: string };
    // a line break JSON leaves raw inside a string must not split the document's line
    const note = 'line\nbreak "quoted" \u2028 \u2029 \u0085 end';
    try {
      // Never closed, as after kill -9: the next store reads the appended lines, not a compacted file.
      const first = new EmbeddedStore({ dataDir: dir.path });
      const docs = first.collection<Row>('appended');
      const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
      await docs.insert({ id: 'a', n: 1, at, tags: ['x', 'y'] });
      await docs.insertMany([
        { id: 'b', n: 2, note: 'gone' },
        { id: 'c', n: 3, note },
      ]);
      await docs.updateOne({ id: 'b' }, { set: { n: 20 }, unset: ['note'] });
      await docs.updateMany({ n: { $gte: 3 } }, { inc: { n: 1 } });
      await docs.deleteOne({ id: 'a' });
      await docs.insert({ id: 'd', n: 5, at });
      const expected = [
        { id: 'b', n: 21 },
        { id: 'c', n: 4, note },
        { id: 'd', n: 5, at },
      ];

      // Loading rewrites the datafile (NeDB compacts it), so a third store reads what the second wrote.
      for (let i = 0; i < 2; i++) {
        const again = new EmbeddedStore({ dataDir: dir.path });
        const all = await again.collection<Row>('appended').find({}, { sort: { id: 1 } });
        expect(all).toEqual(expected);
        expect(all[2]!.at).toBeInstanceOf(Date);
        await again.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('appends to the datafile a compaction put in place of the one it had open', async () => {
    const dir = tempDir();
    try {
      const first = new EmbeddedStore({ dataDir: dir.path });
      const docs = first.collection<{ id: string; n: number }>('compacted');
      await docs.insert({ id: 'a', n: 1 });
      // NeDB's own compaction (its timer runs at most every 5 s): it writes a new datafile and renames it over.
      const { dbs } = first as unknown as { dbs: Map<string, { compactDatafileAsync(): Promise<void> }> };
      await dbs.get('compacted')!.compactDatafileAsync();
      await docs.insert({ id: 'b', n: 2 });
      // Read before `first` closes (closing compacts from memory, which would hide a lost append).
      const again = new EmbeddedStore({ dataDir: dir.path });
      expect(await again.collection('compacted').find({}, { sort: { id: 1 } })).toEqual([
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
      ]);
      await again.close();
      await first.close();
    } finally {
      dir.remove();
    }
  });
});
