// HTTP transport of the streams feature: one route file per resource, mounted in the order of the API reference.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import type { HttpEnv } from '../http/env';
import { playbackTokenRoutes } from './playback-token-routes';
import { profileRoutes } from './profile-routes';
import { recordingRoutes } from './recording-routes';
import { STREAM_INDEXES } from './repo';
import { streamResourceRoutes } from './stream-routes';
import type { StreamUrls } from './streams';

export function streamUrls(deps: ControlPlaneDeps): StreamUrls {
  return { rtmpBaseUrl: deps.config.RTMP_PUBLIC_URL, hlsBaseUrl: deps.config.HLS_PUBLIC_URL };
}

export function streamRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const urls = streamUrls(deps);
  const indexes = deps.store.ensureIndexes(STREAM_INDEXES);
  indexes.catch((err: unknown) => deps.log.error({ err }, 'stream indexes failed'));
  app.use('/v1/apps/:appId/*', async (_c, next) => {
    await indexes;
    await next();
  });
  return app
    .route('/', streamResourceRoutes(deps, urls))
    .route('/', playbackTokenRoutes(deps, urls))
    .route('/', profileRoutes())
    .route('/', recordingRoutes(deps, urls));
}
