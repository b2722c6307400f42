// HTTP transport of transcoding profiles: the renditions a stream's live sessions are encoded to.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams, idParam } from '../http/schemas';
import { createProfile, deleteProfile, getProfile, listProfiles, updateProfile } from './profiles';
import { Deleted } from './route-params';
import { ProfileInputSchema, ProfileSchema } from './schemas';

const ProfileParams = AppIdParams.extend({ profileId: idParam('profileId', 'prf') });

export function profileRoutes() {
  const app = new OpenAPIHono<HttpEnv>();
  const tags = ['Transcoding profiles'];
  app.openapi(
    appRoute('streams.read', {
      method: 'get',
      path: '/v1/apps/{appId}/transcoding-profiles',
      operationId: 'listTranscodingProfiles',
      summary: 'List transcoding profiles (the built-in default first)',
      tags: tags,
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
      tags: tags,
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
      tags: tags,
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
      tags: tags,
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
      tags: tags,
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

  return app;
}
