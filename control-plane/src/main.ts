// Composition root of the control plane in cluster mode: config, adapters, service, listen.
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
import { parseControlPlaneConfig } from './config';
import { systemClock } from './context';
import { controlPlaneDeps } from './deps';
import { createControlPlane } from './service';

runService('control-plane', async () => {
  const config = parseControlPlaneConfig(process.env);
  const log = serviceLogger('control-plane', config);
  const adapters = await openSharedAdapters(config);
  const service = await createControlPlane(
    controlPlaneDeps({
      config,
      store: adapters.store,
      bus: adapters.bus,
      events: adapters.events,
      log,
      clock: systemClock,
      secretBox: new SecretBox(keyBytes(config.MASTER_KEY)!),
      redis: adapters.redis,
      metrics: createMetrics('control-plane'),
    }),
  );
  const { port } = await service.listen(config.PORT, config.HOST);
  log.info({ port, store: adapters.store.kind }, `control plane listening on ${config.PUBLIC_BASE_URL}`);
  onShutdown(log, async () => {
    service.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    await service.close();
    await adapters.close();
  });
});
