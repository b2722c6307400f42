// HTTP transport of streams, transcoding profiles and recordings.
import { edgeSecrets } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { Context } from 'hono';
import type { HttpEnv } from '../http/env';
import { actorMay } from '../permissions';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams, idParam, page, PageQuery } from '../http/schemas';
import { createProfile, deleteProfile, getProfile, listProfiles, updateProfile } from './profiles';
import { deleteRecording, getRecording, listRecordings, publicRecording } from './recordings';
import { checkRestreamTargets, restreamPolicy } from './restream-targets';
import { STREAM_INDEXES } from './repo';
import {
  PlaybackTokenInput,
  ProfileInputSchema,
  ProfileSchema,
  RecordingSchema,
  StreamInputSchema,
  StreamSchema,
  StreamUpdateSchema,
} from './schemas';
import {
  createPlaybackToken,
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

const StreamParams = AppIdParams.extend({ streamId: idParam('streamId', 'str') });
const ProfileParams = AppIdParams.extend({ profileId: idParam('profileId', 'prf') });
const RecordingParams = AppIdParams.extend({ recordingId: idParam('recordingId', 'rec') });
const Deleted = z.object({ deleted: z.literal(true) });

/** Stream keys and restream credentials go only to callers who may change the stream. */
const shown = (c: Context<HttpEnv>) => ({ secrets: actorMay(appCtxOf(c).actor, 'streams.write') });

export function streamUrls(deps: ControlPlaneDeps): StreamUrls {
  return { rtmpBaseUrl: deps.config.RTMP_PUBLIC_URL, hlsBaseUrl: deps.config.HLS_PUBLIC_URL };
}

export function streamRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const urls = streamUrls(deps);
  const restream = restreamPolicy(deps.config);
  const indexes = deps.store.ensureIndexes(STREAM_INDEXES);
  indexes.catch((err: unknown) => deps.log.error({ err }, 'stream indexes failed'));
  app.use('/v1/apps/:appId/*', async (_c, next) => {
    await indexes;
    await next();
  });
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

  const profileTags = ['Transcoding profiles'];
  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/transcoding-profiles',
      operationId: 'listTranscodingProfiles',
      summary: 'List transcoding profiles (the built-in default first)',
      tags: profileTags,
      request: { params: AppIdParams },
      responses: { 200: ok('Profiles', z.object({ data: z.array(ProfileSchema), nextCursor: z.null() })) },
    }),
    async (c) => c.json({ data: await listProfiles(appCtxOf(c)), nextCursor: null }, 200),
  );
  app.openapi(
    appRoute('streams.write', {
      method: 'post',
      path: '/v1/apps/{appId}/transcoding-profiles',
      operationId: 'createTranscodingProfile',
      summary: 'Create a transcoding profile',
      tags: profileTags,
      request: { params: AppIdParams, body: json(ProfileInputSchema) },
      responses: { 201: ok('The profile', ProfileSchema) },
    }),
    async (c) => {
      const profile = await createProfile(appCtxOf(c), c.req.valid('json'));
      c.set('auditTarget', profile.id);
      return c.json(profile, 201);
    },
  );
  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/transcoding-profiles/{profileId}',
      operationId: 'getTranscodingProfile',
      summary: 'Get a transcoding profile',
      tags: profileTags,
      request: { params: ProfileParams },
      responses: { 200: ok('The profile', ProfileSchema) },
    }),
    async (c) => c.json(await getProfile(appCtxOf(c), c.req.valid('param').profileId), 200),
  );
  app.openapi(
    appRoute('streams.write', {
      method: 'put',
      path: '/v1/apps/{appId}/transcoding-profiles/{profileId}',
      operationId: 'updateTranscodingProfile',
      summary: 'Replace a transcoding profile (takes effect on the next live session)',
      tags: profileTags,
      request: { params: ProfileParams, body: json(ProfileInputSchema) },
      responses: { 200: ok('The profile', ProfileSchema) },
    }),
    async (c) => {
      const { profileId } = c.req.valid('param');
      c.set('auditTarget', profileId);
      return c.json(await updateProfile(appCtxOf(c), profileId, c.req.valid('json')), 200);
    },
  );
  app.openapi(
    appRoute('streams.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/transcoding-profiles/{profileId}',
      operationId: 'deleteTranscodingProfile',
      summary: 'Delete a transcoding profile no stream uses',
      tags: profileTags,
      request: { params: ProfileParams },
      responses: { 200: ok('Deleted', Deleted) },
    }),
    async (c) => {
      const { profileId } = c.req.valid('param');
      c.set('auditTarget', profileId);
      await deleteProfile(appCtxOf(c), profileId);
      return c.json({ deleted: true as const }, 200);
    },
  );

  const recTags = ['Recordings'];
  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/recordings',
      operationId: 'listRecordings',
      summary: 'List recordings, newest first',
      tags: recTags,
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
      tags: recTags,
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
      tags: recTags,
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
