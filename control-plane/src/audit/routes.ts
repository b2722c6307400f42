// HTTP transport of the audit log, and the middleware that writes it.
import { recordAudit } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, ok } from '../http/route';
import { AppIdParams, PageQuery, page } from '../http/schemas';
import { auditActor, listAudit } from './audit';

const AuditSchema = z
  .object({
    id: z.string(),
    actorType: z.string(),
    actorId: z.string(),
    action: z.string().openapi({ description: 'The operationId of the call, e.g. createApiKey.' }),
    method: z.string(),
    path: z.string(),
    target: z.string().nullable(),
    status: z.number().int(),
    ip: z.string(),
    requestId: z.string(),
    createdAt: z.string(),
  })
  .openapi('AuditLogEntry');

const isoDate = z.iso.datetime({ offset: true });

export function auditRoutes() {
  const app = new OpenAPIHono<HttpEnv>();
  app.openapi(
    appRoute('audit.read', {
      method: 'get',
      path: '/v1/apps/{appId}/audit-logs',
      operationId: 'listAuditLogs',
      summary: 'The audit log, newest first',
      tags: ['Audit'],
      request: {
        params: AppIdParams,
        query: PageQuery.extend({
          action: z.string().max(100).optional(),
          actorId: z.string().max(100).optional(),
          target: z.string().max(100).optional(),
          from: isoDate.optional(),
          to: isoDate.optional(),
        }),
      },
      responses: { 200: ok('Entries', page(AuditSchema)) },
    }),
    async (c) => c.json(await listAudit(appCtxOf(c), c.req.valid('query')), 200),
  );
  return app;
}

/**
 * Records a call on an app once it is answered, if it was a successful mutating one. The action is the route's
 * operationId, looked up from the OpenAPI registry by method and path pattern.
 */
export async function auditCall(c: Context<HttpEnv>, operationIds: Map<string, string>): Promise<void> {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || c.res.status >= 400) return;
  const appId = c.get('app')?.id ?? c.get('auditAppId');
  const actor = c.get('actor');
  if (!appId || !actor) return;
  const pattern =
    matchedRoutes(c)
      .filter((r) => r.method === method)
      .pop()?.path ?? c.req.path;
  if (method === 'DELETE' && pattern === '/v1/apps/:appId') return; // the app and its log are gone
  const action = operationIds.get(`${method} ${pattern}`) ?? `${method} ${pattern}`;
  const params = c.req.param() as Record<string, string>;
  const target =
    c.get('auditTarget') ??
    Object.entries(params)
      .filter(([k]) => k !== 'appId')
      .map(([, v]) => v)
      .pop() ??
    appId;
  try {
    await recordAudit(c.get('deps').store, {
      appId,
      ...auditActor(actor),
      action,
      method,
      path: c.req.path,
      target,
      status: c.res.status,
      ip: c.get('ip'),
      requestId: c.get('requestId'),
      at: c.get('deps').clock.now(),
    });
  } catch (err) {
    c.get('log').error({ err }, 'audit write failed');
  }
}
