// Starts every service of the platform in this process, on the embedded default or the given MongoDB/Redis.
import {
  createEventPublisher,
  serviceLogger,
  createMetrics,
  InProcessBus,
  keyBytes,
  openStore,
  SecretBox,
  type Logger,
} from '@beamline/core';
import {
  controlPlaneDeps,
  createControlPlane,
  parseControlPlaneConfig,
  systemClock,
  type ControlPlane,
} from '@beamline/control-plane';
import { createMediaEdge, parseMediaEdgeConfig, type MediaEdge } from '@beamline/media-edge';
import { createRealtimeNode, parseRealtimeConfig, realtimeDeps, type RealtimeNode } from '@beamline/realtime';
import { allInOneEnv } from './config';

export interface PlatformUrls {
  api: string;
  dashboard: string;
  docs: string;
  realtime?: string;
  rtmp?: string;
  hls?: string;
}

export interface RunningPlatform {
  urls: PlatformUrls;
  controlPlane: ControlPlane;
  mediaEdge: MediaEdge;
  realtime: RealtimeNode;
  log: Logger;
  stop(): Promise<void>;
}

export async function startPlatform(rawEnv: Record<string, string | undefined>): Promise<RunningPlatform> {
  const env = allInOneEnv(rawEnv);
  const config = parseControlPlaneConfig(env);
  const log = serviceLogger('beamline', config);
  const store = await openStore({ mongodbUrl: config.MONGODB_URL, dataDir: config.DATA_DIR });
  const bus = new InProcessBus();
  const events = createEventPublisher({ store, bus });
  const secretBox = new SecretBox(keyBytes(config.MASTER_KEY)!);
  const stops: (() => Promise<void>)[] = [];

  const controlPlane = await createControlPlane(
    controlPlaneDeps({
      config,
      store,
      bus,
      events,
      log: log.child({ service: 'control-plane' }),
      clock: systemClock,
      secretBox,
      metrics: createMetrics('control-plane'),
    }),
  );
  // Its background workers (webhook deliveries, usage flushes, status probes) start once every service is up.
  await controlPlane.listen(config.PORT, config.HOST, { workers: false });
  stops.push(() => controlPlane.close());
  const urls: PlatformUrls = {
    api: config.PUBLIC_BASE_URL,
    dashboard: config.PUBLIC_BASE_URL,
    docs: `${config.PUBLIC_BASE_URL}/docs`,
  };

  // Each further service starts here, on its own port exactly as in cluster mode.

  // Realtime: chat and live events over Socket.IO, on the same store, bus and secret box (one node, no Redis).
  const realtimeConfig = parseRealtimeConfig({ ...env, REDIS_URL: undefined });
  const realtime = await createRealtimeNode(
    await realtimeDeps(realtimeConfig, {
      store,
      bus,
      events,
      log: log.child({ service: 'realtime' }),
      secretBox,
      metrics: createMetrics('realtime'),
    }),
  );
  await realtime.listen(realtimeConfig.REALTIME_PORT, config.HOST);
  stops.push(() => realtime.close());
  urls.realtime = config.REALTIME_PUBLIC_URL;

  // Media edge: RTMP ingest and HLS delivery, asking the control plane over loopback HTTP as in cluster mode.
  const mediaEdge = await createMediaEdge({
    config: parseMediaEdgeConfig({
      ...env,
      CONTROL_PLANE_URL: env.CONTROL_PLANE_URL || `http://127.0.0.1:${config.PORT}`,
    }),
    log: log.child({ service: 'media-edge' }),
    metrics: createMetrics('media-edge'),
  });
  stops.push(() => mediaEdge.close());
  urls.rtmp = config.RTMP_PUBLIC_URL;
  urls.hls = config.HLS_PUBLIC_URL;
  await controlPlane.startWorkers();

  return {
    urls,
    controlPlane,
    mediaEdge,
    realtime,
    log,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
      await bus.close();
      await store.close();
    },
  };
}
