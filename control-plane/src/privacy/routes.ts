// HTTP transport of data rights: exports and erasures of an account, an app, or one end user of an app.
import { recordAudit } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { auditActor } from '../audit/audit';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf, ctxOf, requireDeveloper } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, developerRoute, json, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { deleteAccount, exportAccount } from './account';
import { exportApp } from './apps';
import { exportEndUser, forgetEndUser } from './end-user';
import { listDataRequests, recordDataRequest } from './records';

const tags = ['Data rights'];

const Archive = z.record(z.string(), z.unknown()).openapi('DataArchive', {
  description: 'A JSON archive (format beamline.export.v1). Secrets, sealed secrets and token digests are left out.',
});
const Counts = z.record(z.string(), z.number().int());
const DataRequestSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['export', 'erasure']),
    scope: z.enum(['account', 'app', 'endUser']),
    appId: z.string().optional(),
    subjectId: z.string(),
    actorType: z.string(),
    actorId: z.string(),
    counts: Counts,
    requestId: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi('DataRequest');
const EndUserParams = AppIdParams.extend({
  userId: z
    .string()
    .regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'an end-user id (the sub claim of user tokens)')
    .openapi({ param: { name: 'userId', in: 'path' }, example: 'user-42' }),
});

function attachment(c: Context<HttpEnv>, name: string) {
  c.header('Content-Disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.json"`);
  c.header('Cache-Control', 'no-store');
}

/** Data requests are audited in the app's log too; a GET (export) is not caught by the audit middleware. */
async function auditRead(c: Context<HttpEnv>, action: string, target: string) {
  const actor = c.get('actor');
  const app = c.get('app');
  if (!actor || !app) return;
  await recordAudit(c.get('deps').store, {
    appId: app.id,
    ...auditActor(actor),
    action,
    method: c.req.method,
    path: c.req.path,
    target,
    status: 200,
    ip: c.get('ip'),
    requestId: c.get('requestId'),
    at: c.get('deps').clock.now(),
  });
}

export function privacyRoutes(deps: ControlPlaneDeps, tenantCollections: () => readonly string[]) {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/me/export',
      operationId: 'exportAccount',
      summary: 'Export everything the platform keeps about your account, as a JSON archive',
      tags,
      responses: { 200: ok('The archive', Archive) },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      const { archive, counts } = await exportAccount(ctxOf(c), userId);
      await recordDataRequest(ctxOf(c), {
        kind: 'export',
        scope: 'account',
        subjectId: userId,
        counts,
        requestId: c.get('requestId'),
      });
      attachment(c, 'beamline-account');
      return c.json(archive, 200);
    },
  );

  app.openapi(
    developerRoute({
      method: 'post',
      path: '/v1/me/delete',
      operationId: 'deleteAccount',
      summary: 'Delete your account, and the apps you alone own and use',
      description:
        'Needs the password, and a code or recovery code when two-factor authentication is on. Apps you own with other members need another owner first (409 sole_owner).',
      tags,
      request: {
        body: json(
          z.strictObject({
            password: z.string().min(1).max(200),
            code: z
              .string()
              .regex(/^\d{6}$/)
              .optional(),
            recoveryCode: z.string().min(8).max(40).optional(),
          }),
        ),
      },
      responses: {
        200: ok('Deleted', z.object({ deletedApps: z.array(z.string()), counts: Counts })),
      },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      const result = await deleteAccount(ctxOf(c), deps.secretBox, userId, c.req.valid('json'), {
        tenantCollections: tenantCollections(),
        dataDir: deps.config.DATA_DIR,
      });
      await c.get('sessions').ended(userId);
      await recordDataRequest(ctxOf(c), {
        kind: 'erasure',
        scope: 'account',
        subjectId: userId,
        counts: result.counts,
        requestId: c.get('requestId'),
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/me/data-requests',
      operationId: 'listMyDataRequests',
      summary: 'The exports and erasures you made',
      tags,
      responses: { 200: ok('Requests, newest first', z.object({ data: z.array(DataRequestSchema) })) },
    }),
    async (c) => {
      const userId = requireDeveloper(c);
      return c.json({ data: await listDataRequests(ctxOf(c), { actorId: userId }) }, 200);
    },
  );

  app.openapi(
    appRoute('data.export', {
      method: 'get',
      path: '/v1/apps/{appId}/export',
      operationId: 'exportApp',
      summary: "Export all of the app's data as a JSON archive",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The archive', Archive) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const { archive, counts } = await exportApp(ctx, tenantCollections());
      await recordDataRequest(ctx, {
        kind: 'export',
        scope: 'app',
        appId: ctx.appId,
        subjectId: ctx.appId,
        counts,
        requestId: c.get('requestId'),
      });
      await auditRead(c, 'exportApp', ctx.appId);
      attachment(c, `beamline-${ctx.appId}`);
      return c.json(archive, 200);
    },
  );

  app.openapi(
    appRoute('data.export', {
      method: 'get',
      path: '/v1/apps/{appId}/data-requests',
      operationId: 'listDataRequests',
      summary: "The app's data exports and erasures, newest first",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Requests', z.object({ data: z.array(DataRequestSchema) })) },
    }),
    async (c) => c.json({ data: await listDataRequests(appCtxOf(c), { appId: appCtxOf(c).appId }) }, 200),
  );

  app.openapi(
    appRoute('endusers.data', {
      method: 'get',
      path: '/v1/apps/{appId}/users/{userId}/data',
      operationId: 'exportEndUserData',
      summary: "Export one end user's chat data in this app",
      tags,
      request: { params: EndUserParams },
      responses: { 200: ok('The user’s data, by collection', Archive) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const { userId } = c.req.valid('param');
      const data = await exportEndUser(ctx, userId);
      const counts = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.length]));
      await recordDataRequest(ctx, {
        kind: 'export',
        scope: 'endUser',
        appId: ctx.appId,
        subjectId: userId,
        counts,
        requestId: c.get('requestId'),
      });
      await auditRead(c, 'exportEndUserData', userId);
      attachment(c, `beamline-${ctx.appId}-user`);
      return c.json(
        { format: 'beamline.export.v1', appId: ctx.appId, userId, exportedAt: ctx.clock.now().toISOString(), data },
        200,
      );
    },
  );

  app.openapi(
    appRoute('endusers.data', {
      method: 'delete',
      path: '/v1/apps/{appId}/users/{userId}/data',
      operationId: 'forgetEndUser',
      summary: 'Right to be forgotten: erase one end user’s chat data in this app',
      description:
        "Deletes the user's messages (and reactions on them), reactions, bans, mutes, uploaded images (the files too), channel memberships, the events and webhook deliveries naming them and their analytics identities, and closes their live connections. Audit-logged.",
      tags,
      request: { params: EndUserParams },
      responses: { 200: ok('What was erased, by collection', z.object({ counts: Counts })) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const { userId } = c.req.valid('param');
      const counts = await forgetEndUser(ctx, deps.bus, userId, { dataDir: deps.config.DATA_DIR });
      await recordDataRequest(ctx, {
        kind: 'erasure',
        scope: 'endUser',
        appId: ctx.appId,
        subjectId: userId,
        counts,
        requestId: c.get('requestId'),
      });
      c.set('auditTarget', userId);
      return c.json({ counts }, 200);
    },
  );

  return app;
}
