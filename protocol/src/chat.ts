// Chat's wire contract as zod schemas (`@beamline/protocol/chat`): the chat entities and every realtime client
// request. Realtime validates requests with them; the types they infer are checked against the interfaces the SDK
// carries (realtime.ts, events.ts), so the two cannot drift apart without a compile error.
import { z } from 'zod';
import type { ChatMessage } from './events';
import {
  CHANNEL_TYPES,
  REALTIME_LIMITS,
  type Attachment,
  type Channel,
  type ClientRequestName,
  type ClientRequests,
} from './realtime';

export const channelId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a channel id is 1-64 of A-Z a-z 0-9 _ -');
export const messageId = z.string().regex(/^msg_[A-Za-z0-9]{1,40}$/, 'not a message id');
export const userId = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'a user id is 1-128 of A-Z a-z 0-9 _ . : @ -');
export const reactionType = z
  .string()
  .regex(/^[a-z0-9_+-]+$/, 'a reaction type is lower-case letters, digits, _ + -')
  .max(REALTIME_LIMITS.reactionTypeMax);
export const attachment = z.strictObject({
  type: z.literal('image'),
  url: z.url({ protocol: /^https?$/ }).max(2000),
});
const seconds = (max: number) => z.number().int().min(1).max(max);
const eventsFilter = z.strictObject({
  streamId: z
    .string()
    .regex(/^str_[A-Za-z0-9]{1,40}$/)
    .optional(),
  playbackToken: z.string().min(1).max(4096).optional(),
});

export const channelTypeSchema = z.enum(CHANNEL_TYPES);

/** A channel as clients receive it. */
export const ChannelSchema = z.object({
  id: z.string(),
  type: channelTypeSchema,
  name: z.string().optional(),
  membersOnly: z.boolean(),
  members: z.array(z.string()).optional(),
  moderators: z.array(z.string()).optional(),
  slowModeSeconds: z.number().int(),
  streamId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
});

/** A stored message as clients receive it. */
export const ChatMessageSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  userId: z.string(),
  userName: z.string().optional(),
  text: z.string(),
  parentId: z.string().optional(),
  attachments: z.array(z.object({ type: z.literal('image'), url: z.string() })).optional(),
  reactions: z.record(z.string(), z.number()).optional(),
  replyCount: z.number().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  deleted: z.boolean().optional(),
  shadowed: z.boolean().optional(),
  clientId: z.string().optional(),
});

export const REQUEST_SCHEMAS = {
  'channel.join': z.strictObject({ channelId }),
  'channel.leave': z.strictObject({ channelId }),
  'message.send': z.strictObject({
    channelId,
    text: z.string().max(REALTIME_LIMITS.messageTextMax * 2),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a clientId is 1-64 of A-Z a-z 0-9 _ -')
      .optional(),
    parentId: messageId.optional(),
    attachments: z.array(attachment).max(REALTIME_LIMITS.attachmentsMax).optional(),
  }),
  'message.update': z.strictObject({ messageId, text: z.string().max(REALTIME_LIMITS.messageTextMax * 2) }),
  'message.delete': z.strictObject({ messageId }),
  'message.react': z.strictObject({ messageId, type: reactionType, remove: z.boolean().optional() }),
  history: z.strictObject({
    channelId,
    before: messageId.optional(),
    after: messageId.optional(),
    parentId: messageId.optional(),
    limit: z.number().int().min(1).max(REALTIME_LIMITS.historyLimitMax).optional(),
  }),
  'typing.start': z.strictObject({ channelId }),
  'typing.stop': z.strictObject({ channelId }),
  'reaction.send': z.strictObject({ channelId, type: reactionType }),
  'moderation.ban': z.strictObject({
    userId,
    channelId: channelId.optional(),
    durationSeconds: seconds(365 * 86_400).optional(),
    reason: z.string().max(500).optional(),
    shadow: z.boolean().optional(),
  }),
  'moderation.unban': z.strictObject({ userId, channelId: channelId.optional() }),
  'moderation.mute': z.strictObject({
    userId,
    channelId: channelId.optional(),
    durationSeconds: seconds(365 * 86_400),
  }),
  'moderation.unmute': z.strictObject({ userId, channelId: channelId.optional() }),
  'moderation.slowmode': z.strictObject({ channelId, seconds: z.number().int().min(0).max(3600) }),
  'moderation.delete': z.strictObject({ messageId }),
  'events.subscribe': eventsFilter,
  'events.unsubscribe': eventsFilter,
} satisfies Record<ClientRequestName, z.ZodType>;

export type RequestOf<N extends ClientRequestName> = z.infer<(typeof REQUEST_SCHEMAS)[N]>;

/** True when A and B are each assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;

// Drift between the schemas and the interfaces the SDK carries fails here.
export type ContractChecks = [
  Check<Same<z.infer<typeof ChannelSchema>, Channel>>,
  Check<Same<z.infer<typeof ChatMessageSchema>, ChatMessage>>,
  Check<Same<z.infer<typeof attachment>, Attachment>>,
  Check<{ [N in ClientRequestName]: Same<RequestOf<N>, ClientRequests[N]['request']> }[ClientRequestName]>,
];
