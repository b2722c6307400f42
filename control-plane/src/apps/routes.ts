// HTTP transport of apps.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf, ctxOf, requireActor, requireDeveloper } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { APP_SECURITY, appRoute, developerRoute, json, ok } from '../http/route';
import { AppIdParams, text } from '../http/schemas';
import { ApiKeyWithSecretSchema } from '../keys/routes';
import { MEMBER_ROLES } from '../permissions';
import { eraseApp, recordDataRequest } from '../privacy';
import { createApp, getApp, listApps, setArchived, updateApp } from './apps';

export const AppSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(['active', 'archived']),
    createdAt: z.string(),
    updatedAt: z.string(),
    role: z
      .enum(MEMBER_ROLES)
      .nullable()
      .openapi({ description: "The caller's role in this app (null for API keys)." }),
  })
  .openapi('App');

const tags = ['Apps'];

export function appRoutes(deps: ControlPlaneDeps, tenantCollections: () => readonly string[]) {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/apps',
      operationId: 'createApp',
      summary: 'Create an app; returns its first API key and secret, once',
      tags,
      request: { body: json(z.strictObject({ name: text(100), description: text(500).optional() })) },
      responses: { 201: ok('The app and its first key', z.object({ app: AppSchema, apiKey: ApiKeyWithSecretSchema })) },
    }),
    async (c) => {
      const result = await createApp(ctxOf(c), deps.secretBox, requireDeveloper(c), c.req.valid('json'));
      c.set('auditTarget', result.app.id);
      c.set('auditAppId', result.app.id);
      return c.json(result, 201);
    },
  );

  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/apps',
      operationId: 'listApps',
      summary: "The caller's apps (an API key sees its own app)",
      tags,
      security: APP_SECURITY,
      responses: { 200: ok('Apps', z.object({ data: z.array(AppSchema), nextCursor: z.null() })) },
    }),
    async (c) => {
      requireActor(c);
      return c.json({ data: await listApps(ctxOf(c)), nextCursor: null }, 200);
    },
  );

  app.openapi(
    appRoute('app.read', {
      method: 'get',
      path: '/v1/apps/{appId}',
      operationId: 'getApp',
      summary: 'Get an app',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The app', AppSchema) },
    }),
    (c) => c.json(getApp(appCtxOf(c), c.get('app')!), 200),
  );

  app.openapi(
    appRoute('app.update', {
      method: 'patch',
      path: '/v1/apps/{appId}',
      operationId: 'updateApp',
      summary: 'Rename an app or change its description',
      tags,
      request: {
        params: AppIdParams,
        body: json(z.strictObject({ name: text(100).optional(), description: text(500).nullable().optional() })),
      },
      responses: { 200: ok('The app', AppSchema) },
    }),
    async (c) => c.json(await updateApp(appCtxOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    appRoute('app.archive', {
      method: 'post',
      path: '/v1/apps/{appId}/archive',
      operationId: 'archiveApp',
      summary: 'Archive an app: its API keys stop working, its data is kept',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The app', AppSchema) },
    }),
    async (c) => c.json(await setArchived(appCtxOf(c), true), 200),
  );

  app.openapi(
    appRoute('app.archive', {
      method: 'post',
      path: '/v1/apps/{appId}/unarchive',
      operationId: 'unarchiveApp',
      summary: 'Bring an archived app back',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The app', AppSchema) },
    }),
    async (c) => c.json(await setArchived(appCtxOf(c), false), 200),
  );

  app.openapi(
    appRoute('app.delete', {
      method: 'delete',
      path: '/v1/apps/{appId}',
      operationId: 'deleteApp',
      summary: 'Delete an app and all its data, for good',
      tags,
      request: { params: AppIdParams },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      // The app's own audit log goes with it; the erasure is recorded among the data requests.
      const counts = await eraseApp(ctx, tenantCollections(), deps.config.DATA_DIR);
      await recordDataRequest(ctx, {
        kind: 'erasure',
        scope: 'app',
        appId: ctx.appId,
        subjectId: ctx.appId,
        counts,
        requestId: c.get('requestId'),
      });
      return c.body(null, 204);
    },
  );

  return app;
}
