// HTTP transport of moderation: bans, mutes and the app's blocklist. Each action emits its event.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { moderation, type ChatServices } from '@beamline/chat';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { chatCtxOf } from './context';
import {
  BanInputSchema,
  BlocklistSchema,
  LiftQuery,
  MuteInputSchema,
  RestrictionQuery,
  RestrictionSchema,
  UserParams,
} from './schemas';

const tags = ['Chat moderation'];
const List = z.object({ data: z.array(RestrictionSchema), nextCursor: z.null() });
const Lifted = z.object({ userId: z.string(), lifted: z.literal(true) });

export function moderationRoutes(chat: () => Promise<ChatServices>) {
  const app = new OpenAPIHono<HttpEnv>();

  for (const kind of ['bans', 'mutes'] as const) {
    const noun = kind === 'bans' ? 'ban' : 'mute';
    app.openapi(
      appRoute('chat.read', {
        method: 'get',
        path: `/v1/apps/{appId}/${kind}`,
        operationId: kind === 'bans' ? 'listBans' : 'listMutes',
        summary: `List the ${kind} in force (filter by channel or user)`,
        tags,
        request: { params: AppIdParams, query: RestrictionQuery },
        responses: { 200: ok(`The ${kind}`, List) },
      }),
      async (c) => {
        const ctx = await chatCtxOf(c, chat);
        const data = await moderation.listRestrictions(ctx, kind, c.req.valid('query'));
        return c.json({ data: data as z.infer<typeof RestrictionSchema>[], nextCursor: null }, 200);
      },
    );
    app.openapi(
      appRoute('chat.write', {
        method: 'delete',
        path: `/v1/apps/{appId}/${kind}/{userId}`,
        operationId: kind === 'bans' ? 'unbanUser' : 'unmuteUser',
        summary: `Lift a user's ${noun} (app-wide, or in one channel with ?channelId)`,
        tags,
        request: { params: UserParams, query: LiftQuery },
        responses: { 200: ok('Lifted', Lifted) },
      }),
      async (c) => {
        const ctx = await chatCtxOf(c, chat);
        const { userId } = c.req.valid('param');
        const { channelId } = c.req.valid('query');
        const input = { userId, ...(channelId ? { channelId } : {}) };
        await (kind === 'bans' ? moderation.unbanUser(ctx, input) : moderation.unmuteUser(ctx, input));
        c.set('auditTarget', userId);
        return c.json({ userId, lifted: true as const }, 200);
      },
    );
  }

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/bans',
      operationId: 'banUser',
      summary: 'Ban a user app-wide or from one channel, for a time or for good; optionally a shadow ban',
      tags,
      request: { params: AppIdParams, body: json(BanInputSchema) },
      responses: { 201: ok('The ban', RestrictionSchema) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { appId: _appId, ...ban } = await moderation.banUser(ctx, c.req.valid('json'));
      c.set('auditTarget', ban.userId);
      return c.json(ban, 201);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/mutes',
      operationId: 'muteUser',
      summary: 'Mute a user (a timeout) app-wide or in one channel',
      tags,
      request: { params: AppIdParams, body: json(MuteInputSchema) },
      responses: { 201: ok('The mute', RestrictionSchema) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { appId: _appId, ...mute } = await moderation.muteUser(ctx, c.req.valid('json'));
      c.set('auditTarget', mute.userId);
      return c.json(mute, 201);
    },
  );

  app.openapi(
    appRoute('chat.read', {
      method: 'get',
      path: '/v1/apps/{appId}/blocklist',
      operationId: 'getBlocklist',
      summary: "The app's blocked words and what happens to a message that has one",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The blocklist', BlocklistSchema) },
    }),
    async (c) => c.json(await moderation.getBlocklist(await chatCtxOf(c, chat)), 200),
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'put',
      path: '/v1/apps/{appId}/blocklist',
      operationId: 'setBlocklist',
      summary: "Replace the app's blocklist",
      tags,
      request: { params: AppIdParams, body: json(BlocklistSchema) },
      responses: { 200: ok('The blocklist as stored', BlocklistSchema) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      return c.json(await moderation.setBlocklist(ctx, c.req.valid('json')), 200);
    },
  );

  return app;
}
