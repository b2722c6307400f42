// Group commit over a real embedded store: a burst of inserts becomes a few insertMany writes.
import { afterAll, expect, it } from 'vitest';
import { EmbeddedStore, insertBatcher, type Collection } from '../../src/store';
import { tempDir } from '../../testing';

interface Doc {
  id: string;
  key: string;
}

const dir = tempDir();
const store = new EmbeddedStore({ dataDir: dir.path });
afterAll(async () => {
  await store.close();
  dir.remove();
});

function counted(coll: Collection<Doc>) {
  const batches: number[] = [];
  const wrapped: Collection<Doc> = Object.assign(Object.create(coll) as Collection<Doc>, {
    insertMany: (docs: Doc[]) => (batches.push(docs.length), coll.insertMany(docs)),
  });
  return { wrapped, batches };
}

it('writes a burst of inserts in a few batches, and each caller learns whether its document was written', async () => {
  await store.ensureIndexes([{ collection: 'burst', fields: ['key'], unique: true }]);
  const coll = store.collection<Doc>('burst');
  await coll.insert({ id: 'taken', key: 'k-7' });
  const { wrapped, batches } = counted(coll);
  const batcher = insertBatcher(wrapped, { maxBatch: 40 });
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => batcher.insert({ id: `d${i}`, key: `k-${i}` })),
  );
  expect(results.filter((r) => !r)).toHaveLength(1);
  expect(results[7]).toBe(false);
  expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
  expect(batches.length).toBeLessThanOrEqual(4);
  expect(Math.max(...batches)).toBeLessThanOrEqual(40);
  expect(await coll.count({})).toBe(100);
});

it('rejects every caller of a batch whose write failed', async () => {
  const coll = store.collection<Doc>('failing');
  const failing: Collection<Doc> = Object.assign(Object.create(coll) as Collection<Doc>, {
    insertMany: () => Promise.reject(new Error('disk full')),
  });
  const batcher = insertBatcher(failing);
  const both = [batcher.insert({ id: 'a', key: 'a' }), batcher.insert({ id: 'b', key: 'b' })];
  for (const p of both) await expect(p).rejects.toThrow('disk full');
});
