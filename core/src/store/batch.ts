// Group commit for inserts: callers insert one document each and await it; the documents that arrive while
// a write is in flight go to the store together in the next insertMany, so a burst costs a few writes.
import type { Collection } from './types';

export interface InsertBatcher<T extends { id: string }> {
  /** Resolves true once `doc` is written, false when its unique key was taken; rejects when the write failed. */
  insert(doc: T): Promise<boolean>;
}

interface Waiting<T> {
  doc: T;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

export function insertBatcher<T extends { id: string }>(
  collection: Collection<T>,
  opts: { maxBatch?: number } = {},
): InsertBatcher<T> {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Waiting<T>[] = [];
  let writing = false;
  let armed = false;

  function write() {
    armed = false;
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    collection
      .insertMany(batch.map((w) => w.doc))
      .then(
        ({ duplicates }) => {
          const taken = new Set(duplicates);
          for (const w of batch) w.resolve(!taken.has(w.doc.id));
        },
        (err: unknown) => {
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        writing = false;
        write();
      });
  }

  return {
    insert(doc) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ doc, resolve, reject });
        // The first insert of a burst waits one turn of the event loop for the others to join it.
        if (!writing && !armed) {
          armed = true;
          setImmediate(write);
        }
      });
    },
  };
}
