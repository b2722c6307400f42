// Composition root of the media edge in cluster mode: config, logger, edge, listen.
import { createMetrics, onShutdown, runService, serviceLogger, sleep } from '@beamline/core';
import { parseMediaEdgeConfig } from './config';
import { createMediaEdge } from './edge';

runService('media-edge', async () => {
  const config = parseMediaEdgeConfig(process.env);
  const log = serviceLogger('media-edge', config);
  const edge = await createMediaEdge({ config, log, metrics: createMetrics('media-edge') });
  onShutdown(log, async () => {
    edge.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    await edge.close();
  });
});
