// The store writes of every send, grouped: messages that arrive together are inserted in one write, and their
// "published" marks gathered for a moment and set in one update per app, so a burst of sends costs a few writes
// instead of two per message.
import { DuplicateKeyError, insertBatcher, type DocumentStore } from '@beamline/core';
import type { MessageDoc } from './repos';

/**
 * How long marks gather before their update. A mark only tells a resend after a crash whether its message went
 * out, so it may wait; the embedded store runs one collection's writes one at a time, and an update of marks
 * after every group of inserts made each next group wait for it (a send's store write took twice as long).
 */
export const MARK_DELAY_MS = 1_000;

export interface MessageWrites {
  /** Stores a new message; throws DuplicateKeyError when its id is taken (a resend of its clientId). */
  insert(doc: MessageDoc): Promise<void>;
  /** Marks a stored message as published; resolves once the mark is written. */
  markPublished(appId: string, messageId: string): Promise<void>;
  /** Whether this node published the message and its mark is still to be written. */
  markPending(appId: string, messageId: string): boolean;
  /** Writes the marks waiting now (a node that stops). */
  flush(): Promise<void>;
}

export function messageWrites(store: DocumentStore, opts: { markDelayMs?: number } = {}): MessageWrites {
  const delayMs = opts.markDelayMs ?? MARK_DELAY_MS;
  const messages = store.collection<MessageDoc>('messages');
  const inserts = insertBatcher(messages);
  /** Marks waiting for the next update, by app. */
  let queued = new Map<string, Set<string>>();
  /** Marks queued or being written, as `appId messageId`. */
  const pending = new Set<string>();
  /** The update the marks queued now join, and what starts it before its time. */
  let next: { done: Promise<void>; start: () => void } | null = null;
  let last: Promise<unknown> = Promise.resolve();

  async function writeMarks(): Promise<void> {
    const batch = queued;
    queued = new Map();
    next = null;
    try {
      await Promise.all(
        [...batch].map(([appId, ids]) =>
          // The app as a one-value $in: the embedded store then finds the ids through their index (a plain appId
          // would make it scan every message of the app); the filter means the same to either store.
          messages.updateMany({ appId: { $in: [appId] }, id: { $in: [...ids] } }, { set: { published: true } }),
        ),
      );
    } finally {
      for (const [appId, ids] of batch) for (const id of ids) pending.delete(`${appId} ${id}`);
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
      const ids = queued.get(appId);
      if (ids) ids.add(messageId);
      else queued.set(appId, new Set([messageId]));
      pending.add(`${appId} ${messageId}`);
      return schedule();
    },
    markPending: (appId, messageId) => pending.has(`${appId} ${messageId}`),
    async flush() {
      const waiting = next;
      waiting?.start();
      await (waiting?.done ?? last);
    },
  };
}
