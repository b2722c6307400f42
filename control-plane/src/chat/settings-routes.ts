// HTTP transport of the app's chat settings: the hosts whose images messages may attach.
import { OpenAPIHono } from '@hono/zod-openapi';
import { chatSettingsOf } from '@beamline/chat';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { ChatSettingsInputSchema, ChatSettingsSchema } from './schemas';

const tags = ['Chat'];
const PATH = '/v1/apps/{appId}/chat-settings';

export function chatSettingsRoutes() {
  const app = new OpenAPIHono<HttpEnv>();

  app.openapi(
    appRoute('chat.read', {
      method: 'get',
      path: PATH,
      operationId: 'getChatSettings',
      summary: "The app's chat settings: which hosts' images messages may attach",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('The settings', ChatSettingsSchema) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const doc = await chatSettingsOf(ctx.store, ctx.appId).findOne({ id: ctx.appId });
      return c.json({ attachmentHosts: doc?.attachmentHosts ?? [], updatedAt: doc?.updatedAt ?? null }, 200);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'put',
      path: PATH,
      operationId: 'setChatSettings',
      summary: "Replace the app's chat settings",
      description:
        "A message may attach the app's own uploads, and images on these hosts; any other attachment is refused with attachment_not_allowed.",
      tags,
      request: { params: AppIdParams, body: json(ChatSettingsInputSchema) },
      responses: { 200: ok('The settings as stored', ChatSettingsSchema) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const attachmentHosts = [...new Set(c.req.valid('json').attachmentHosts)];
      const updatedAt = ctx.clock.now().toISOString();
      await chatSettingsOf(ctx.store, ctx.appId).upsert(
        { id: ctx.appId },
        { set: { attachmentHosts, updatedAt } },
        { id: ctx.appId, attachmentHosts, updatedAt },
      );
      return c.json({ attachmentHosts, updatedAt }, 200);
    },
  );

  return app;
}
