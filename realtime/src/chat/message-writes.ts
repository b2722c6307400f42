// The store writes of every send, grouped: messages that arrive together are inserted in one write, and their
// "published" marks set in one update, so a burst of sends costs a few writes instead of two per message.
import { DuplicateKeyError, insertBatcher, type DocumentStore } from '@beamline/core';
import type { MessageDoc } from './repos';

export interface MessageWrites {
  /** Stores a new message; throws DuplicateKeyError when its id is taken (a resend of its clientId). */
  insert(doc: MessageDoc): Promise<void>;
  /** Marks a stored message as published; resolves once the mark is written. */
  markPublished(appId: string, messageId: string): Promise<void>;
}

export function messageWrites(store: DocumentStore): MessageWrites {
  const messages = store.collection<MessageDoc>('messages');
  const inserts = insertBatcher(messages);
  /** Marks waiting for the next update, by app. */
  let queued = new Map<string, string[]>();
  /** The update the marks queued now join; it starts once the one before it is done. */
  let next: Promise<void> | null = null;
  let last: Promise<unknown> = Promise.resolve();

  async function writeMarks(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve)); // the marks of this turn of the event loop join in
    const batch = queued;
    queued = new Map();
    next = null;
    await Promise.all(
      [...batch].map(([appId, ids]) =>
        // The app as a one-value $in: the embedded store then finds the ids through their index (a plain appId
        // would make it scan every message of the app); the filter means the same to either store.
        messages.updateMany({ appId: { $in: [appId] }, id: { $in: ids } }, { set: { published: true } }),
      ),
    );
  }

  return {
    async insert(doc) {
      if (!(await inserts.insert(doc))) throw new DuplicateKeyError('messages');
    },
    markPublished(appId, messageId) {
      const ids = queued.get(appId);
      if (ids) ids.push(messageId);
      else queued.set(appId, [messageId]);
      if (!next) {
        next = last.then(writeMarks);
        last = next.catch(() => undefined);
      }
      return next;
    },
  };
}
