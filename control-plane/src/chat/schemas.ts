// Schemas of the chat REST API: one zod schema validates, documents and types each body.
import { CHANNEL_TYPES, REALTIME_LIMITS, USER_ROLES } from '@beamline/protocol';
import { ATTACHMENT_HOST } from '@beamline/chat';
import { ChannelSchema as ChannelEntity, ChatMessageSchema } from '@beamline/protocol/chat';
import { z } from '@hono/zod-openapi';
import { AppIdParams, idParam } from '../http/schemas';

const userId = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,128}$/)
  .openapi({ description: "The end user's id in your system", example: 'user-42' });
const userIds = z.array(userId).max(10_000);

/**
 * A protocol schema named in the OpenAPI document. It is rebuilt from its shape here: a zod schema made before
 * @hono/zod-openapi was first loaded in the process has no `.openapi` (zod copies methods when it builds one).
 */
const named = <S extends z.ZodRawShape>(schema: z.ZodObject<S>, name: string) => z.object(schema.shape).openapi(name);

export const ChannelSchema = named(ChannelEntity, 'Channel');

export const ChannelInputSchema = z
  .strictObject({
    type: z.enum(CHANNEL_TYPES),
    name: z.string().trim().min(1).max(200).optional(),
    membersOnly: z.boolean().optional(),
    members: userIds.optional(),
    moderators: userIds.optional(),
    slowModeSeconds: z.number().int().min(0).max(3600).optional(),
  })
  .openapi('ChannelInput');

export const ChannelUpdateSchema = ChannelInputSchema.omit({ type: true }).openapi('ChannelUpdate');

export const MessageSchema = named(ChatMessageSchema, 'ChatMessage');

export const MessageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(REALTIME_LIMITS.historyLimitMax)
    .default(25)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'q', in: 'query' }, description: 'Search the text (case-insensitive); no cursor' }),
});

export const CustomEventSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
      .openapi({ example: 'score.update' }),
    payload: z.unknown().openapi({ example: { home: 2, away: 1 } }),
  })
  .openapi('CustomEventInput');

const duration = z
  .number()
  .int()
  .min(1)
  .max(365 * 86_400);

/** Mutes and bans name a user and, for a channel restriction, the channel. */
export const MuteInputSchema = z
  .strictObject({ userId, channelId: z.string().max(64).optional(), durationSeconds: duration })
  .openapi('MuteInput');

export const BanInputSchema = MuteInputSchema.extend({
  durationSeconds: duration.optional().openapi({ description: 'Omit for a ban without end' }),
  reason: z.string().max(500).optional(),
  shadow: z.boolean().optional().openapi({ description: 'The user sees their own messages; nobody else does' }),
}).openapi('BanInput');

export const RestrictionSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    channelId: z.string().optional(),
    reason: z.string().optional(),
    until: z.string().optional(),
    shadow: z.boolean().optional(),
    by: z.string(),
    createdAt: z.string(),
  })
  .openapi('Restriction');

export const RestrictionQuery = z.object({
  channelId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'channelId', in: 'query' } }),
  userId: userId.optional().openapi({ param: { name: 'userId', in: 'query' } }),
});

export const LiftQuery = z.object({
  channelId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'channelId', in: 'query' }, description: 'Omit to lift the app-wide one' }),
});

export const BlocklistSchema = z
  .strictObject({
    words: z.array(z.string().max(100)).max(5000),
    mode: z.enum(['block', 'mask']).openapi({ description: 'block refuses the message; mask stars the words' }),
  })
  .openapi('Blocklist');

export const UserTokenInputSchema = z
  .strictObject({
    userId,
    role: z.enum(USER_ROLES).optional(),
    name: z.string().max(100).optional(),
    image: z.url().max(500).optional(),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(86_400),
  })
  .openapi('UserTokenInput');

export const UserTokenSchema = z
  .object({
    token: z.string(),
    expiresAt: z.string(),
    realtimeUrl: z.string().openapi({ description: 'Connect with io(realtimeUrl, { auth: { token } })' }),
  })
  .openapi('UserToken');

export const UploadSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ description: 'Use as a message attachment: {type: "image", url}' }),
    contentType: z.string().openapi({ description: 'The type its bytes were checked to be' }),
    size: z.number().int(),
    userId: z.string().optional().openapi({ description: 'The end user who uploaded it, if an end user did' }),
    createdAt: z.string(),
  })
  .openapi('Upload');

export const ChatSettingsSchema = z
  .object({
    attachmentHosts: z.array(z.string()).openapi({
      description:
        "Hosts whose images messages may attach besides the app's own uploads (cdn.example.com, or *.example.com for its subdomains)",
    }),
    updatedAt: z.string().nullable(),
  })
  .openapi('ChatSettings');

export const ChatSettingsInputSchema = z
  .strictObject({
    attachmentHosts: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .max(253)
          .regex(ATTACHMENT_HOST, 'a host name (cdn.example.com) or *. and a domain (*.example.com)'),
      )
      .max(50),
  })
  .openapi('ChatSettingsInput');

export const ChannelParams = AppIdParams.extend({
  channelId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .openapi({ param: { name: 'channelId', in: 'path' }, example: 'chn_0123456789abcdefghij' }),
});
export const MessageParams = ChannelParams.extend({ messageId: idParam('messageId', 'msg') });
export const UserParams = AppIdParams.extend({
  userId: userId.openapi({ param: { name: 'userId', in: 'path' } }),
});
