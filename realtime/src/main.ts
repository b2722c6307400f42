// Composition root of one realtime node (`npm run start:realtime`): config, adapters, node, listen.
import {
  ConfigError,
  createEventPublisher,
  createLogger,
  createMetrics,
  InProcessBus,
  keyBytes,
  onShutdown,
  openStore,
  RedisBus,
  SecretBox,
  sleep,
  type EventBus,
} from '@beamline/core';
import { Redis } from 'ioredis';
import { createChatServices } from './chat/services';
import { parseRealtimeConfig } from './config';
import { createRealtimeNode } from './server';

async function main() {
  const config = parseRealtimeConfig(process.env);
  const log = createLogger({
    name: 'realtime',
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY ?? config.NODE_ENV === 'development',
  });
  const store = await openStore({
    mongodbUrl: config.MONGODB_URL,
    storeUrl: config.STORE_URL,
    dataDir: config.DATA_DIR,
  });
  const url = config.REDIS_URL;
  const counters = url ? new Redis(url, { maxRetriesPerRequest: 3 }) : undefined;
  const bus: EventBus = url ? new RedisBus(new Redis(url), new Redis(url)) : new InProcessBus();
  const events = createEventPublisher({ store, bus });
  const chat = await createChatServices({
    store,
    events,
    log,
    redis: counters,
    limits: { messagesPer10s: config.CHAT_MESSAGES_PER_10S, reactionsPerSecond: config.CHAT_REACTIONS_PER_SECOND },
  });
  const node = await createRealtimeNode({
    store,
    bus,
    secretBox: new SecretBox(keyBytes(config.MASTER_KEY)!),
    chat,
    log,
    ...(url ? { redis: { pub: new Redis(url), sub: new Redis(url) } } : {}),
    flood: { requestsPerSecond: config.REALTIME_REQUESTS_PER_SECOND },
    metrics: createMetrics('realtime'),
    ...(config.REALTIME_CORS_ORIGINS
      ? { corsOrigins: config.REALTIME_CORS_ORIGINS.split(',').map((o) => o.trim()) }
      : {}),
  });
  const { port } = await node.listen(config.REALTIME_PORT, config.HOST);
  log.info({ event: 'ready', port, store: store.kind, cluster: Boolean(url) }, 'realtime listening');
  onShutdown(log, async () => {
    node.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    await node.close();
    await bus.close();
    counters?.disconnect();
    await store.close();
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`realtime: ${err.message}\nSet the variables above and start again.`);
  else console.error('realtime failed to start:', err);
  process.exit(1);
});
