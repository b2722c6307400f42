// HTTP transport of recordings: the VOD copies of past live sessions, listed, read and deleted with their files.
import { edgeSecrets } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, ok } from '../http/route';
import { AppIdParams, idParam, page, PageQuery } from '../http/schemas';
import { deleteRecording, getRecording, listRecordings, publicRecording } from './recordings';
import { Deleted } from './route-params';
import { RecordingSchema } from './schemas';
import type { StreamUrls } from './streams';

const RecordingParams = AppIdParams.extend({ recordingId: idParam('recordingId', 'rec') });

export function recordingRoutes(deps: ControlPlaneDeps, urls: StreamUrls) {
  const app = new OpenAPIHono<HttpEnv>();
  const tags = ['Recordings'];
  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/recordings',
      operationId: 'listRecordings',
      summary: 'List recordings, newest first',
      tags: tags,
      request: {
        params: AppIdParams,
        query: PageQuery.extend({
          streamId: z
            .string()
            .max(64)
            .optional()
            .openapi({ param: { name: 'streamId', in: 'query' } }),
        }),
      },
      responses: { 200: ok('Recordings', page(RecordingSchema)) },
    }),
    async (c) => {
      const result = await listRecordings(appCtxOf(c), c.req.valid('query'));
      return c.json({ data: result.data.map((r) => publicRecording(r, urls)), nextCursor: result.nextCursor }, 200);
    },
  );
  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/recordings/{recordingId}',
      operationId: 'getRecording',
      summary: 'Get a recording',
      tags: tags,
      request: { params: RecordingParams },
      responses: { 200: ok('The recording', RecordingSchema) },
    }),
    async (c) => c.json(publicRecording(await getRecording(appCtxOf(c), c.req.valid('param').recordingId), urls), 200),
  );
  app.openapi(
    appRoute('streams.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/recordings/{recordingId}',
      operationId: 'deleteRecording',
      summary: 'Delete a recording and its files',
      tags: tags,
      request: { params: RecordingParams },
      responses: { 200: ok('Deleted', Deleted) },
    }),
    async (c) => {
      const { recordingId } = c.req.valid('param');
      c.set('auditTarget', recordingId);
      await deleteRecording(appCtxOf(c), edgeSecrets(deps.config), recordingId);
      return c.json({ deleted: true as const }, 200);
    },
  );

  return app;
}
