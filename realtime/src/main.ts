// Composition root of one realtime node (`npm run start:realtime`): config, adapters, node, listen.
import {
  createMetrics,
  keyBytes,
  onShutdown,
  openSharedAdapters,
  runService,
  SecretBox,
  serviceLogger,
  sleep,
} from '@beamline/core';
import { Redis } from 'ioredis';
import { createChatServices } from '@beamline/chat';
import { parseRealtimeConfig } from './config';
import { localFirstBus } from './local-first-bus';
import { createRealtimeNode } from './server';

runService('realtime', async () => {
  const config = parseRealtimeConfig(process.env);
  const log = serviceLogger('realtime', config);
  // In a cluster, what this node publishes reaches its own sockets without the round trip through Redis.
  const { store, bus, events, redis, close } = await openSharedAdapters(config, { busView: localFirstBus });
  const url = config.REDIS_URL;
  const chat = await createChatServices({
    store,
    events,
    log,
    redis,
    limits: { messagesPer10s: config.CHAT_MESSAGES_PER_10S, reactionsPerSecond: config.CHAT_REACTIONS_PER_SECOND },
  });
  const node = await createRealtimeNode({
    store,
    bus,
    secretBox: new SecretBox(keyBytes(config.MASTER_KEY)!),
    chat,
    log,
    // The Socket.IO adapter gets its own pair of connections (pub/sub block a connection).
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
    await close();
  });
});
