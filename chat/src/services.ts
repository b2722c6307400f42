// Builds the chat services from the adapters chosen at start-up.
import { createRateLimit, type DocumentStore, type EventPublisher, type Logger } from '@beamline/core';
import type { Redis } from 'ioredis';
import { DEFAULT_CHAT_LIMITS, type ChatLimits, type ChatServices } from './context';
import { messageWrites } from './message-writes';
import { CHAT_INDEXES, chatRepos } from './repos';

export async function createChatServices(deps: {
  store: DocumentStore;
  events: EventPublisher;
  log: Logger;
  /** Shared counters in cluster mode: rate limits and slow mode then hold across nodes. */
  redis?: Redis;
  limits?: Partial<ChatLimits>;
  now?: () => Date;
}): Promise<ChatServices> {
  await deps.store.ensureIndexes(CHAT_INDEXES);
  const limits = { ...DEFAULT_CHAT_LIMITS, ...deps.limits };
  const slowModes = new Map<number, ReturnType<typeof createRateLimit>>();
  const now = deps.now ?? (() => new Date());
  return {
    store: deps.store,
    events: deps.events,
    log: deps.log,
    now,
    messageTime: monotonicTime(now),
    repos: chatRepos(deps.store),
    messageWrites: messageWrites(deps.store),
    counters: {
      messages: createRateLimit({
        name: 'chat-messages',
        points: limits.messagesPer10s,
        durationSeconds: 10,
        redis: deps.redis,
      }),
      reactions: createRateLimit({
        name: 'chat-reactions',
        points: limits.reactionsPerSecond,
        durationSeconds: 1,
        redis: deps.redis,
      }),
      slowMode(seconds) {
        let limiter = slowModes.get(seconds);
        if (!limiter) {
          limiter = createRateLimit({
            name: `chat-slow-${seconds}`,
            points: 1,
            durationSeconds: seconds,
            redis: deps.redis,
          });
          slowModes.set(seconds, limiter);
        }
        return limiter;
      },
    },
  };
}

/** Times that never repeat nor go back on one node; a burst runs at most a second ahead of the clock. */
function monotonicTime(now: () => Date): () => string {
  let last = 0;
  return () => {
    const t = now().getTime();
    last = t > last ? t : Math.min(last + 1, t + 1000);
    return new Date(last).toISOString();
  };
}
