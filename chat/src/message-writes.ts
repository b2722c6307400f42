// The store writes of every send, grouped: messages that arrive together are inserted in one write, and the marks
// of those published are gathered for a moment and inserted together into a collection of their own.
import { DuplicateKeyError, insertBatcher, type DocumentStore } from '@beamline/core';
import { messageCollections, type MessageDoc, type PublishedMarkDoc } from './repos';

/** How long marks gather before they are written: a mark only serves a resend after a crash, so it may wait. */
export const MARK_DELAY_MS = 1_000;

export interface MessageWrites {
  /** Stores a new message; throws DuplicateKeyError when its id is taken (a resend of its clientId). */
  insert(doc: MessageDoc): Promise<void>;
  /** Records that a stored message went out; resolves once the mark is written. */
  markPublished(appId: string, messageId: string): Promise<void>;
  /** Whether a stored message went out: marked, or published by this node with its mark still to be written. */
  isPublished(doc: MessageDoc): Promise<boolean>;
  /** Writes the marks waiting now (a node that stops). */
  flush(): Promise<void>;
}

export function messageWrites(store: DocumentStore, opts: { markDelayMs?: number } = {}): MessageWrites {
  const delayMs = opts.markDelayMs ?? MARK_DELAY_MS;
  const collections = messageCollections(store);
  const inserts = insertBatcher(collections.messages);
  // Not a field of the message: the embedded store runs one collection's writes one at a time, and an update of
  // marks in the messages collection made the next group of inserts wait for it (a send's write took twice as
  // long), besides moving each marked message in every index of the collection.
  const marks = collections.publishedMarks;
  /** Marks waiting for their write, as `appId messageId`, and the write they join. */
  let queued = new Map<string, PublishedMarkDoc>();
  const pending = new Set<string>();
  let next: { done: Promise<void>; start: () => void } | null = null;
  let last: Promise<unknown> = Promise.resolve();

  async function writeMarks(): Promise<void> {
    const batch = queued;
    queued = new Map();
    next = null;
    try {
      // A mark written before (a message published again) is skipped as a duplicate.
      await marks.insertMany([...batch.values()]);
    } finally {
      for (const key of batch.keys()) pending.delete(key);
    }
  }

  function schedule(): Promise<void> {
    if (next) return next.done;
    let start!: () => void;
    const due = new Promise<void>((resolve) => {
      start = resolve;
      setTimeout(resolve, delayMs).unref();
    });
    const done = Promise.all([due, last]).then(writeMarks);
    last = done.catch(() => undefined);
    next = { done, start };
    return done;
  }

  return {
    async insert(doc) {
      if (!(await inserts.insert(doc))) throw new DuplicateKeyError('messages');
    },
    markPublished(appId, messageId) {
      const key = `${appId} ${messageId}`;
      queued.set(key, { id: messageId, appId });
      pending.add(key);
      return schedule();
    },
    async isPublished(doc) {
      // `published` on the message itself: marks written before they had a collection of their own.
      if (doc.published || pending.has(`${doc.appId} ${doc.id}`)) return true;
      // The app first: the embedded store then looks the mark up by its id.
      return (await marks.findOne({ appId: doc.appId, id: doc.id })) !== null;
    },
    async flush() {
      const waiting = next;
      waiting?.start();
      await (waiting?.done ?? last);
    },
  };
}
