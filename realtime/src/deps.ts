// A realtime node's dependencies from its config and the adapters a composition root opened: realtime's main.ts and
// the all-in-one root both build their node through this one function.
import { createChatServices } from '@beamline/chat';
import type { DocumentStore, EventBus, EventPublisher, Logger, Metrics, SecretBox } from '@beamline/core';
import { Redis } from 'ioredis';
import type { RealtimeConfig } from './config';
import type { RealtimeDeps } from './server';

export interface RealtimeAdapters {
  store: DocumentStore;
  bus: EventBus;
  events: EventPublisher;
  log: Logger;
  secretBox: SecretBox;
  /** Shared counters (chat rate limits, slow mode) in cluster mode. */
  redis?: Redis;
  metrics?: Metrics;
}

export async function realtimeDeps(config: RealtimeConfig, adapters: RealtimeAdapters): Promise<RealtimeDeps> {
  const { store, bus, events, log, secretBox, redis, metrics } = adapters;
  const chat = await createChatServices({
    store,
    events,
    log,
    redis,
    limits: { messagesPer10s: config.CHAT_MESSAGES_PER_10S, reactionsPerSecond: config.CHAT_REACTIONS_PER_SECOND },
  });
  const url = config.REDIS_URL;
  return {
    store,
    bus,
    secretBox,
    chat,
    log,
    // The Socket.IO adapter gets its own pair of connections (pub/sub block a connection).
    ...(url ? { redis: { pub: new Redis(url), sub: new Redis(url) } } : {}),
    flood: { requestsPerSecond: config.REALTIME_REQUESTS_PER_SECOND },
    ...(metrics ? { metrics } : {}),
    ...(config.REALTIME_CORS_ORIGINS
      ? { corsOrigins: config.REALTIME_CORS_ORIGINS.split(',').map((o) => o.trim()) }
      : {}),
  };
}
