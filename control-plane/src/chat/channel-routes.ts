// HTTP transport of channels, their messages and custom events.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { channels, messages, publicChannel, publicMessage, type ChatServices } from '@beamline/chat';
import { Invalid, NotFound } from '../errors';
import type { HttpEnv } from '../http/env';
import { paginate } from '../http/pagination';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams, page, PageQuery } from '../http/schemas';
import { chatCtxOf } from './context';
import {
  ChannelInputSchema,
  ChannelParams,
  ChannelSchema,
  ChannelUpdateSchema,
  CustomEventSchema,
  MessageParams,
  MessageQuery,
  MessageSchema,
} from './schemas';

const tags = ['Chat'];

export function channelRoutes(chat: () => Promise<ChatServices>) {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/channels',
      operationId: 'createChannel',
      summary: 'Create a chat channel',
      tags,
      request: { params: AppIdParams, body: json(ChannelInputSchema) },
      responses: { 201: ok('The channel', ChannelSchema) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const channel = await channels.createChannel(ctx, c.req.valid('json'));
      c.set('auditTarget', channel.id);
      return c.json(publicChannel(channel), 201);
    },
  );

  app.openapi(
    appRoute('chat.read', {
      method: 'get',
      path: '/v1/apps/{appId}/channels',
      operationId: 'listChannels',
      summary: 'List channels, newest first',
      tags,
      request: { params: AppIdParams, query: PageQuery },
      responses: { 200: ok('A page of channels', page(ChannelSchema)) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const result = await paginate(ctx.chat.repos(ctx.appId).channels, {}, c.req.valid('query'));
      return c.json({ data: result.data.map(publicChannel), nextCursor: result.nextCursor }, 200);
    },
  );

  app.openapi(
    appRoute('chat.read', {
      method: 'get',
      path: '/v1/apps/{appId}/channels/{channelId}',
      operationId: 'getChannel',
      summary: 'Get a channel',
      tags,
      request: { params: ChannelParams },
      responses: { 200: ok('The channel', ChannelSchema) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      return c.json(publicChannel(await channels.getChannel(ctx, c.req.valid('param').channelId)), 200);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'patch',
      path: '/v1/apps/{appId}/channels/{channelId}',
      operationId: 'updateChannel',
      summary: 'Change a channel: name, members, moderators, slow mode',
      tags,
      request: { params: ChannelParams, body: json(ChannelUpdateSchema) },
      responses: { 200: ok('The channel', ChannelSchema) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { channelId } = c.req.valid('param');
      const { slowModeSeconds, ...rest } = c.req.valid('json');
      // Slow mode goes through its verb so the change is announced like any moderation action.
      if (slowModeSeconds !== undefined) await channels.setSlowMode(ctx, channelId, slowModeSeconds);
      const updated = await channels.updateChannel(ctx, channelId, rest);
      return c.json(publicChannel(updated), 200);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/channels/{channelId}',
      operationId: 'deleteChannel',
      summary: 'Delete a channel and its messages',
      tags,
      request: { params: ChannelParams },
      responses: { 200: ok('Deleted', z.object({ id: z.string(), deleted: z.literal(true) })) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { channelId } = c.req.valid('param');
      await channels.deleteChannel(ctx, channelId);
      return c.json({ id: channelId, deleted: true as const }, 200);
    },
  );

  app.openapi(
    appRoute('chat.read', {
      method: 'get',
      path: '/v1/apps/{appId}/channels/{channelId}/messages',
      operationId: 'listMessages',
      summary: "List a channel's messages newest first, or search them with q",
      tags,
      request: { params: ChannelParams, query: MessageQuery },
      responses: { 200: ok('A page of messages', page(MessageSchema)) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { channelId } = c.req.valid('param');
      const { q, limit, cursor } = c.req.valid('query');
      await channels.getChannel(ctx, channelId);
      if (q) {
        const found = await messages.searchMessages(ctx, channelId, q, limit);
        return c.json({ data: found, nextCursor: null }, 200);
      }
      const result = await paginate(ctx.chat.repos(ctx.appId).messages, { channelId }, { limit, cursor });
      return c.json({ data: result.data.map(publicMessage), nextCursor: result.nextCursor }, 200);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/channels/{channelId}/messages/{messageId}',
      operationId: 'deleteMessage',
      summary: 'Delete a message (moderation); chat.message.deleted goes out',
      tags,
      request: { params: MessageParams },
      responses: { 200: ok('Deleted', z.object({ id: z.string(), deleted: z.literal(true) })) },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { channelId, messageId } = c.req.valid('param');
      const found = await ctx.chat.repos(ctx.appId).messages.findOne({ id: messageId, channelId });
      if (!found) throw NotFound('message_not_found', `No message ${messageId} in channel ${channelId}.`);
      await messages.deleteMessage(ctx, messageId);
      c.set('auditTarget', messageId);
      return c.json({ id: messageId, deleted: true as const }, 200);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/channels/{channelId}/events',
      operationId: 'sendCustomEvent',
      summary: "Send your own event to a channel's clients (for example a score update)",
      tags,
      request: { params: ChannelParams, body: json(CustomEventSchema) },
      responses: {
        202: ok('The event as clients receive it', z.object({ id: z.string(), type: z.literal('custom') })),
      },
    }),
    async (c) => {
      const ctx = await chatCtxOf(c, chat);
      const { channelId } = c.req.valid('param');
      const { name, payload } = c.req.valid('json');
      await channels.getChannel(ctx, channelId);
      const size = Buffer.byteLength(JSON.stringify(payload ?? null));
      if (size > 16 * 1024) {
        throw Invalid('payload_too_large', 'A custom event payload is at most 16 KB.');
      }
      const event = await ctx.chat.events.publish(ctx.appId, 'custom', { channelId, name, payload: payload ?? null });
      return c.json({ id: event.id, type: 'custom' as const }, 202);
    },
  );

  return app;
}
