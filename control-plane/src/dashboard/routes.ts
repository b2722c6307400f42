// The dashboard's own API: a short-lived realtime token so the signed-in developer sees live events and moderates chat.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { actorMay } from '../permissions';
import { signAppUserToken } from './tokens';

export const REALTIME_TOKEN_TTL_SECONDS = 3600;

const RealtimeTokenSchema = z
  .object({
    token: z.string(),
    userId: z.string().openapi({ description: '"dashboard:" and the developer\'s user id, or the key id.' }),
    role: z.enum(['user', 'admin']),
    realtimeUrl: z.string(),
    expiresAt: z.string(),
  })
  .openapi('RealtimeToken');

export function dashboardApiRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  app.openapi(
    appRoute('chat.read', {
      method: 'post',
      path: '/v1/apps/{appId}/realtime-token',
      operationId: 'createRealtimeToken',
      summary: "A one-hour realtime token for the caller: live events, and chat moderation when the caller's role may",
      description:
        'Signed like any user token. The role is admin when the caller holds chat.write (editors and up, API keys), ' +
        'else user. A member\'s token carries `scope: "dashboard"`: it may follow the app\'s platform events.',
      tags: ['Dashboard'],
      request: { params: AppIdParams },
      responses: { 201: ok('The token', RealtimeTokenSchema) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const actor = ctx.actor;
      const canModerate = actorMay(actor, 'chat.write');
      const user = actor.type === 'developer' ? await ctx.repos.users.findOne({ id: actor.userId }) : null;
      const sub =
        actor.type === 'developer' ? `dashboard:${actor.userId}` : actor.type === 'apiKey' ? actor.keyId : 'system';
      const role = canModerate ? ('admin' as const) : ('user' as const);
      const signed = await signAppUserToken(
        deps,
        ctx.repos,
        ctx.appId,
        {
          sub,
          role,
          // A member's session may follow the app's platform events, whatever its role.
          ...(actor.type === 'developer' ? { scope: 'dashboard' as const } : {}),
          ...(user ? { name: user.name || user.email } : {}),
        },
        REALTIME_TOKEN_TTL_SECONDS,
        ctx.clock.now(),
      );
      return c.json({ ...signed, userId: sub, role, realtimeUrl: deps.config.REALTIME_PUBLIC_URL }, 201);
    },
  );
  return app;
}
