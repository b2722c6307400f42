// HTTP transport of playback tokens: a signed token for one stream, and the HLS URL that carries it.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { StreamParams } from './route-params';
import { PlaybackTokenInput } from './schemas';
import { createPlaybackToken, type StreamUrls } from './streams';

export function playbackTokenRoutes(deps: ControlPlaneDeps, urls: StreamUrls) {
  const app = new OpenAPIHono<HttpEnv>();
  const tags = ['Streams'];

  app.openapi(
    appRoute('streams.read', {
      method: 'post',
      path: '/v1/apps/{appId}/streams/{streamId}/playback-tokens',
      operationId: 'createPlaybackToken',
      summary: 'Mint a playback token (HS256 JWT signed with an API secret of the app)',
      tags,
      request: { params: StreamParams, body: { ...json(PlaybackTokenInput), required: false } },
      responses: {
        201: ok(
          'The token and the HLS URL carrying it',
          z.object({ token: z.string(), expiresAt: z.string(), url: z.string() }),
        ),
      },
    }),
    async (c) => {
      const input = c.req.valid('json') ?? { ttlSeconds: 3600 };
      const { streamId } = c.req.valid('param');
      return c.json(await createPlaybackToken(appCtxOf(c), deps.secretBox, urls, streamId, input), 201);
    },
  );

  return app;
}
