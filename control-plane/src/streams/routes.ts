// HTTP transport of the streams feature: one route file per resource, mounted in the order of the API reference.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import type { HttpEnv } from '../http/env';
import { playbackTokenRoutes } from './playback-token-routes';
import { profileRoutes } from './profile-routes';
import { recordingRoutes } from './recording-routes';
import { streamResourceRoutes } from './stream-routes';
import type { StreamUrls } from './streams';

export function streamUrls(deps: ControlPlaneDeps): StreamUrls {
  return { rtmpBaseUrl: deps.config.RTMP_PUBLIC_URL, hlsBaseUrl: deps.config.HLS_PUBLIC_URL };
}

export function streamRoutes(deps: ControlPlaneDeps) {
  const urls = streamUrls(deps);
  return new OpenAPIHono<HttpEnv>()
    .route('/', streamResourceRoutes(deps, urls))
    .route('/', playbackTokenRoutes(deps, urls))
    .route('/', profileRoutes())
    .route('/', recordingRoutes(deps, urls));
}
