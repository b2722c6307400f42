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
import { parseRealtimeConfig } from './config';
import { realtimeDeps } from './deps';
import { localFirstBus } from './local-first-bus';
import { createRealtimeNode } from './server';

runService('realtime', async () => {
  const config = parseRealtimeConfig(process.env);
  const log = serviceLogger('realtime', config);
  // In a cluster, what this node publishes reaches its own sockets without the round trip through Redis.
  const { store, bus, events, redis, close } = await openSharedAdapters(config, { busView: localFirstBus });
  const node = await createRealtimeNode(
    await realtimeDeps(config, {
      store,
      bus,
      events,
      log,
      secretBox: new SecretBox(keyBytes(config.MASTER_KEY)!),
      redis,
      metrics: createMetrics('realtime'),
    }),
  );
  const { port } = await node.listen(config.REALTIME_PORT, config.HOST);
  log.info({ event: 'ready', port, store: store.kind, cluster: Boolean(config.REDIS_URL) }, 'realtime listening');
  onShutdown(log, async () => {
    node.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    await node.close();
    await close();
  });
});
