// Composition root of the control plane in cluster mode: config, adapters, service, listen.
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
import { parseControlPlaneConfig } from './config';
import { systemClock } from './context';
import { createControlPlane } from './service';

async function main() {
  const config = parseControlPlaneConfig(process.env);
  const log = createLogger({
    name: 'control-plane',
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY ?? config.NODE_ENV === 'development',
  });
  const store = await openStore({
    mongodbUrl: config.MONGODB_URL,
    storeUrl: config.STORE_URL,
    dataDir: config.DATA_DIR,
  });
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 }) : undefined;
  const bus: EventBus = config.REDIS_URL
    ? new RedisBus(new Redis(config.REDIS_URL), new Redis(config.REDIS_URL))
    : new InProcessBus();
  const events = createEventPublisher({ store, bus });
  const service = await createControlPlane({
    config,
    store,
    bus,
    events,
    log,
    clock: systemClock,
    secretBox: new SecretBox(keyBytes(config.MASTER_KEY)!),
    redis,
    metrics: createMetrics('control-plane'),
  });
  const { port } = await service.listen(config.PORT, config.HOST);
  log.info({ port, store: store.kind }, `control plane listening on ${config.PUBLIC_BASE_URL}`);
  onShutdown(log, async () => {
    service.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    await service.close();
    await bus.close();
    redis?.disconnect();
    await store.close();
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`control-plane: ${err.message}\nSet the variables above (see .env.example) and start again.`);
  } else {
    console.error('control-plane failed to start:', err);
  }
  process.exit(1);
});
