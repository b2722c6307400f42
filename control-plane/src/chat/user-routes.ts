// User tokens for the chat SDK (uploads are in upload-routes.ts).
import { OpenAPIHono } from '@hono/zod-openapi';
import { signUserToken } from '@beamline/chat';
import type { ControlPlaneDeps } from '../deps';
import { Invalid } from '../errors';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { UserTokenInputSchema, UserTokenSchema } from './schemas';

export function userRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/users/tokens',
      operationId: 'createUserToken',
      summary: 'Mint a user token for the chat SDK (HS256, signed with an API secret of this app)',
      description:
        "Signed with the calling API key's secret, or with the app's newest active key for a dashboard member. Your backend can also sign the same token itself.",
      tags: ['Chat'],
      request: { params: AppIdParams, body: json(UserTokenInputSchema) },
      responses: { 201: ok('The token', UserTokenSchema) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const input = c.req.valid('json');
      const keys = ctx.repos.forApp(ctx.appId).apiKeys;
      const key =
        ctx.actor.type === 'apiKey'
          ? await keys.findOne({ id: ctx.actor.keyId })
          : (await keys.find({ revokedAt: { $exists: false } }, { sort: { createdAt: -1 }, limit: 1 }))[0];
      if (!key || key.revokedAt) throw Invalid('no_active_api_key', 'The app has no active API key to sign with.');
      const token = signUserToken(
        deps.secretBox.open(key.secretSealed),
        {
          sub: input.userId,
          app: key.key,
          ...(input.role ? { role: input.role } : {}),
          ...(input.name ? { name: input.name } : {}),
          ...(input.image ? { image: input.image } : {}),
        },
        input.ttlSeconds,
      );
      c.set('auditTarget', input.userId);
      const expiresAt = new Date(ctx.clock.now().getTime() + input.ttlSeconds * 1000).toISOString();
      return c.json({ token, expiresAt, realtimeUrl: deps.config.REALTIME_PUBLIC_URL }, 201);
    },
  );

  return app;
}
