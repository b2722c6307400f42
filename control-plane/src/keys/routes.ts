// HTTP transport of API keys.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams, idParam, text } from '../http/schemas';
import { issueKey, listKeys, revokeKey, rotateKey } from './keys';

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z
      .string()
      .openapi({ description: 'The public half: the Basic-auth user name and the `app` claim of user tokens.' }),
    secretLast4: z.string(),
    status: z.enum(['active', 'revoked']),
    createdAt: z.string(),
    rotatedAt: z.string().nullable(),
    previousSecretExpiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

export const ApiKeyWithSecretSchema = ApiKeySchema.extend({
  secret: z.string().openapi({ description: 'Shown once, on create and rotate. Store it now.' }),
}).openapi('ApiKeyWithSecret');

const KeyParams = AppIdParams.extend({ keyId: idParam('keyId', 'key') });
const tags = ['API keys'];

export function keyRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    appRoute('keys.read', {
      method: 'get',
      path: '/v1/apps/{appId}/keys',
      operationId: 'listApiKeys',
      summary: 'List API keys (secrets are never listed)',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Keys', z.object({ data: z.array(ApiKeySchema), nextCursor: z.null() })) },
    }),
    async (c) => c.json({ data: await listKeys(appCtxOf(c)), nextCursor: null }, 200),
  );

  app.openapi(
    appRoute('keys.write', {
      method: 'post',
      path: '/v1/apps/{appId}/keys',
      operationId: 'createApiKey',
      summary: 'Create an API key; its secret is returned once',
      tags,
      request: { params: AppIdParams, body: json(z.strictObject({ name: text(100) })) },
      responses: { 201: ok('The key with its secret', ApiKeyWithSecretSchema) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const key = await issueKey(ctx, deps.secretBox, ctx.appId, c.req.valid('json').name);
      c.set('auditTarget', key.id);
      return c.json(key, 201);
    },
  );

  app.openapi(
    appRoute('keys.write', {
      method: 'post',
      path: '/v1/apps/{appId}/keys/{keyId}/rotate',
      operationId: 'rotateApiKey',
      summary: 'Give a key a new secret; the old one works for a grace period',
      tags,
      request: {
        params: KeyParams,
        body: {
          ...json(
            z.strictObject({
              gracePeriodSeconds: z
                .number()
                .int()
                .min(0)
                .max(30 * 86_400)
                .optional(),
            }),
          ),
          required: false,
        },
      },
      responses: { 200: ok('The key with its new secret', ApiKeyWithSecretSchema) },
    }),
    async (c) => {
      const { keyId } = c.req.valid('param');
      const grace = c.req.valid('json')?.gracePeriodSeconds ?? deps.config.KEY_ROTATION_GRACE_SECONDS;
      return c.json(await rotateKey(appCtxOf(c), deps.secretBox, keyId, grace), 200);
    },
  );

  app.openapi(
    appRoute('keys.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/keys/{keyId}',
      operationId: 'revokeApiKey',
      summary: 'Revoke a key at once',
      tags,
      request: { params: KeyParams },
      responses: { 200: ok('The revoked key', ApiKeySchema) },
    }),
    async (c) => c.json(await revokeKey(appCtxOf(c), c.req.valid('param').keyId), 200),
  );

  return app;
}
