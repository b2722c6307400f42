// What every service's composition root does alike: the logger, the store, the bus and shared
// counters chosen from the environment, and one way to report a failed start.
import { Redis } from 'ioredis';
import { InProcessBus, RedisBus, type EventBus } from './bus';
import { ConfigError } from './config';
import { createEventPublisher, type EventPublisher } from './events';
import { createLogger, type Logger } from './logger';
import { openStore, type DocumentStore } from './store';

export interface RootSettings {
  NODE_ENV: string;
  LOG_LEVEL: string;
  LOG_PRETTY?: boolean | undefined;
}

export interface AdapterSettings extends RootSettings {
  MONGODB_URL?: string | undefined;
  STORE_URL?: string | undefined;
  DATA_DIR: string;
  REDIS_URL?: string | undefined;
}

export function serviceLogger(name: string, config: RootSettings): Logger {
  return createLogger({
    name,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY ?? config.NODE_ENV === 'development',
  });
}

export interface SharedAdapters {
  store: DocumentStore;
  bus: EventBus;
  events: EventPublisher;
  /** Shared counters (rate limits, slow mode) in cluster mode; absent on one node. */
  redis?: Redis;
  /** Closes the bus, the counters and the store, in that order. */
  close(): Promise<void>;
}

/**
 * The store (MongoDB, shared or embedded), and Redis or in-process for the bus and counters. `busView` lets a
 * service see the Redis bus through a wrapper of its own (the realtime node's local-first delivery); the events it
 * publishes go through that view too.
 */
export async function openSharedAdapters(
  config: AdapterSettings,
  opts: { busView?: (redisBus: EventBus) => EventBus } = {},
): Promise<SharedAdapters> {
  const store = await openStore({
    mongodbUrl: config.MONGODB_URL,
    storeUrl: config.STORE_URL,
    dataDir: config.DATA_DIR,
  });
  const url = config.REDIS_URL;
  const redis = url ? new Redis(url, { maxRetriesPerRequest: 3 }) : undefined;
  const redisBus = url ? new RedisBus(new Redis(url), new Redis(url)) : undefined;
  const bus: EventBus = redisBus ? (opts.busView?.(redisBus) ?? redisBus) : new InProcessBus();
  return {
    store,
    bus,
    events: createEventPublisher({ store, bus }),
    ...(redis ? { redis } : {}),
    close: async () => {
      await bus.close();
      redis?.disconnect();
      await store.close();
    },
  };
}

/** Runs a composition root; a failed start names the bad variables (or the error) and exits 1. */
export function runService(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`${name}: ${err.message}\nSet the variables above (see .env.example) and start again.`);
    } else {
      console.error(`${name} failed to start:`, err);
    }
    process.exit(1);
  });
}
