// HTTP transport of live streams: create, list, read, change, delete, new key, enable and disable.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams, page, PageQuery } from '../http/schemas';
import { actorMay } from '../permissions';
import { checkRestreamTargets, restreamPolicy } from './restream-targets';
import { Deleted, StreamParams } from './route-params';
import { StreamInputSchema, StreamSchema, StreamUpdateSchema } from './schemas';
import {
  createStream,
  deleteStream,
  findStream,
  listStreams,
  publicStream,
  resetStreamKey,
  setStreamEnabled,
  updateStream,
  type StreamUrls,
} from './streams';

/** Stream keys and restream credentials go only to callers who may change the stream. */
const shown = (c: Context<HttpEnv>) => ({ secrets: actorMay(appCtxOf(c).actor, 'streams.write') });

export function streamResourceRoutes(deps: ControlPlaneDeps, urls: StreamUrls) {
  const app = new OpenAPIHono<HttpEnv>();
  const restream = restreamPolicy(deps.config);
  const tags = ['Streams'];
  const one = (
    summary: string,
    operationId: string,
    method: 'get' | 'delete' | 'post',
    path: string,
    permission: 'streams.read' | 'streams.write',
  ) =>
    appRoute(permission, {
      method,
      path,
      operationId,
      summary,
      tags,
      request: { params: StreamParams },
      responses: { 200: ok('The stream', StreamSchema) },
    });

  app.openapi(
    appRoute('streams.write', {
      method: 'post',
      path: '/v1/apps/{appId}/streams',
      operationId: 'createStream',
      summary: 'Create a live stream (its stream key is returned with it)',
      tags,
      request: { params: AppIdParams, body: json(StreamInputSchema) },
      responses: { 201: ok('The stream', StreamSchema) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await checkRestreamTargets(restream, input.restreamTargets);
      const stream = await createStream(appCtxOf(c), input);
      c.set('auditTarget', stream.id);
      return c.json(publicStream(stream, urls, shown(c)), 201);
    },
  );

  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/streams',
      operationId: 'listStreams',
      summary: 'List streams, newest first, optionally by status',
      tags,
      request: {
        params: AppIdParams,
        query: PageQuery.extend({
          status: z
            .enum(['idle', 'live', 'disconnected', 'disabled'])
            .optional()
            .openapi({ param: { name: 'status', in: 'query' } }),
        }),
      },
      responses: { 200: ok('Streams', page(StreamSchema)) },
    }),
    async (c) => {
      const result = await listStreams(appCtxOf(c), c.req.valid('query'));
      return c.json(
        { data: result.data.map((s) => publicStream(s, urls, shown(c))), nextCursor: result.nextCursor },
        200,
      );
    },
  );

  app.openapi(
    one('Get a stream', 'getStream', 'get', '/v1/apps/{appId}/streams/{streamId}', 'streams.read'),
    async (c) =>
      c.json(publicStream(await findStream(appCtxOf(c), c.req.valid('param').streamId), urls, shown(c)), 200),
  );

  app.openapi(
    appRoute('streams.write', {
      method: 'patch',
      path: '/v1/apps/{appId}/streams/{streamId}',
      operationId: 'updateStream',
      summary: 'Change a stream (takes effect on its next live session)',
      tags,
      request: { params: StreamParams, body: json(StreamUpdateSchema) },
      responses: { 200: ok('The stream', StreamSchema) },
    }),
    async (c) => {
      const { streamId } = c.req.valid('param');
      c.set('auditTarget', streamId);
      const input = c.req.valid('json');
      await checkRestreamTargets(restream, input.restreamTargets);
      return c.json(publicStream(await updateStream(appCtxOf(c), streamId, input), urls, shown(c)), 200);
    },
  );

  app.openapi(
    appRoute('streams.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/streams/{streamId}',
      operationId: 'deleteStream',
      summary: 'Delete a stream; its key stops working at once',
      tags,
      request: { params: StreamParams },
      responses: { 200: ok('Deleted', Deleted) },
    }),
    async (c) => {
      const { streamId } = c.req.valid('param');
      c.set('auditTarget', streamId);
      await deleteStream(appCtxOf(c), streamId);
      return c.json({ deleted: true as const }, 200);
    },
  );

  app.openapi(
    one(
      'Give the stream a new key; the old one stops working and a live session on it is cut',
      'resetStreamKey',
      'post',
      '/v1/apps/{appId}/streams/{streamId}/reset-key',
      'streams.write',
    ),
    async (c) => {
      const { streamId } = c.req.valid('param');
      c.set('auditTarget', streamId);
      return c.json(publicStream(await resetStreamKey(appCtxOf(c), streamId), urls, shown(c)), 200);
    },
  );

  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    app.openapi(
      one(
        enabled ? 'Allow publishing again' : 'Refuse publishing; a live session is cut',
        `${verb}Stream`,
        'post',
        `/v1/apps/{appId}/streams/{streamId}/${verb}`,
        'streams.write',
      ),
      async (c) => {
        const { streamId } = c.req.valid('param');
        c.set('auditTarget', streamId);
        return c.json(publicStream(await setStreamEnabled(appCtxOf(c), streamId, enabled), urls, shown(c)), 200);
      },
    );
  }

  return app;
}
