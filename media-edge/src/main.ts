// Composition root of the media edge in cluster mode: config, logger, edge, listen.
import { ConfigError, createLogger, createMetrics, onShutdown, sleep } from '@beamline/core';
import { parseMediaEdgeConfig } from './config';
import { createMediaEdge } from './edge';

async function main() {
  const config = parseMediaEdgeConfig(process.env);
  const log = createLogger({
    name: 'media-edge',
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY ?? config.NODE_ENV === 'development',
  });
  const edge = await createMediaEdge(config, log, { metrics: createMetrics('media-edge') });
  onShutdown(log, async () => {
    edge.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    await edge.close();
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`media-edge: ${err.message}\nSet the variables above and start again.`);
  } else {
    console.error('media-edge failed to start:', err);
  }
  process.exit(1);
});
