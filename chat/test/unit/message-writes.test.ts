// The grouped writes of sends over a real embedded store: a burst of messages and of marks costs a few writes.
import { DuplicateKeyError, EmbeddedStore, type Collection } from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { afterAll, expect, it } from 'vitest';
import { messageWrites } from '../../src/message-writes';
import { CHAT_INDEXES, messageCollections, type MessageDoc } from '../../src/repos';

const dir = tempDir();
const store = new EmbeddedStore({ dataDir: dir.path });
afterAll(async () => {
  await store.close();
  dir.remove();
});

const message = (appId: string, i: number): MessageDoc => ({
  id: `msg_${appId}_${i}`,
  appId,
  channelId: 'chn_1',
  userId: `u${i}`,
  text: `hello ${i}`,
  createdAt: new Date(Date.now() + i).toISOString(),
});

it('inserts a burst of messages in a few writes, refuses a taken id, and marks them published in few writes', async () => {
  await store.ensureIndexes(CHAT_INDEXES);
  const writes: string[] = [];
  const counted = new Proxy(store, {
    get: (target, key) =>
      key === 'collection'
        ? (name: string) => {
            const coll = target.collection<MessageDoc>(name);
            return Object.assign(Object.create(coll) as Collection<MessageDoc>, {
              insertMany: (docs: MessageDoc[]) => (writes.push(`insert ${docs.length}`), coll.insertMany(docs)),
              updateMany: (...args: Parameters<typeof coll.updateMany>) => (
                writes.push('update'),
                coll.updateMany(...args)
              ),
            });
          }
        : Reflect.get(target, key),
  });
  const w = messageWrites(counted, { markDelayMs: 50 });
  const docs = [...Array.from({ length: 60 }, (_, i) => message('app_a', i)), message('app_b', 0)];
  await Promise.all(docs.map((d) => w.insert(d)));
  expect(writes.length).toBeLessThanOrEqual(3);
  await expect(w.insert(message('app_a', 3))).rejects.toBeInstanceOf(DuplicateKeyError);

  writes.length = 0;
  const first = Promise.all(docs.slice(0, 40).map((d) => w.markPublished(d.appId, d.id)));
  // The marks of a moment are gathered: none is written yet, and this node knows each one.
  expect(writes).toEqual([]);
  expect(await w.isPublished(docs[0]!)).toBe(true);
  await first;
  await Promise.all(docs.slice(40).map((d) => w.markPublished(d.appId, d.id)));
  // Marks are inserted into a collection of their own, a burst in few writes; the messages are not rewritten.
  expect(writes.length).toBeLessThanOrEqual(4);
  expect(writes.every((x) => x.startsWith('insert'))).toBe(true);
  expect(await messageCollections(store).publishedMarks.count({})).toBe(61);
  // Another node finds the written marks in the store; a mark names its app.
  const other = messageWrites(store);
  expect(await other.isPublished(docs[0]!)).toBe(true);
  expect(await other.isPublished({ ...docs[0]!, appId: 'app_b' })).toBe(false);
  expect(await other.isPublished(message('app_a', 99))).toBe(false);
  // A message marked by an earlier version carries the mark itself.
  expect(await other.isPublished({ ...message('app_a', 99), published: true })).toBe(true);
});

it('writes the marks waiting when flushed, without waiting for their moment', async () => {
  const w = messageWrites(store, { markDelayMs: 60_000 });
  const doc = message('app_c', 0);
  await w.insert(doc);
  void w.markPublished(doc.appId, doc.id);
  await w.flush();
  expect(await messageCollections(store).publishedMarks.findOne({ appId: doc.appId, id: doc.id })).not.toBeNull();
});
