// Generated from protocol/src/events.ts by scripts/docs/generate.ts; do not edit.
// The platform event catalog: one envelope for Socket.IO subscribers and webhook endpoints.

export const EVENT_TYPES = [
  'stream.created',
  'stream.updated',
  'stream.deleted',
  'stream.live',
  'stream.offline',
  'stream.error',
  'viewer.count.update',
  'viewer.joined',
  'viewer.left',
  'chat.message.new',
  'chat.message.updated',
  'chat.message.deleted',
  'chat.moderation',
  'user.banned',
  'user.unbanned',
  'user.muted',
  'user.unmuted',
  'reaction.sent',
  'health.quality.drop',
  'recording.started',
  'recording.ready',
  'webhook.disabled',
  'webhook.test',
  'usage.quota.exceeded',
  'custom',
] as const;

/** Events that only travel over realtime sockets, never to webhooks. */
export const REALTIME_ONLY_EVENT_TYPES = ['typing.start', 'typing.stop', 'presence.changed'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type RealtimeOnlyEventType = (typeof REALTIME_ONLY_EVENT_TYPES)[number];
export type AnyEventType = EventType | RealtimeOnlyEventType;

/** What each event carries in `data`. */
export interface EventPayloads {
  'stream.created': { streamId: string; name: string };
  'stream.updated': { streamId: string; changes: string[] };
  'stream.deleted': { streamId: string };
  'stream.live': { streamId: string; playbackId: string; startedAt: string };
  'stream.offline': { streamId: string; playbackId: string; endedAt: string; durationSeconds: number };
  'stream.error': { streamId: string; reason: string };
  'viewer.count.update': { streamId: string; viewers: number };
  'viewer.joined': { streamId: string; viewerId: string };
  'viewer.left': { streamId: string; viewerId: string };
  'chat.message.new': { channelId: string; message: ChatMessage };
  'chat.message.updated': { channelId: string; message: ChatMessage };
  'chat.message.deleted': { channelId: string; messageId: string; deletedBy: string };
  'chat.moderation': { channelId?: string; action: string; userId?: string; by: string; details?: unknown };
  'user.banned': { userId: string; channelId?: string; until?: string; reason?: string; by: string };
  'user.unbanned': { userId: string; channelId?: string; by: string };
  'user.muted': { userId: string; channelId?: string; until: string; by: string };
  'user.unmuted': { userId: string; channelId?: string; by: string };
  'reaction.sent': { channelId: string; userId: string; type: string };
  'health.quality.drop': { streamId: string; speed?: number; reason: string };
  'recording.started': { streamId: string; recordingId: string };
  'recording.ready': { streamId: string; recordingId: string; durationSeconds: number };
  'webhook.disabled': { webhookId: string; reason: string };
  'webhook.test': { webhookId: string; message: string };
  'usage.quota.exceeded': { meter: string; limit: number; used: number; level: 'warning' | 'exceeded' };
  custom: { channelId?: string; name: string; payload: unknown };
  'typing.start': { channelId: string; userId: string };
  'typing.stop': { channelId: string; userId: string };
  'presence.changed': { channelId: string; userId: string; online: boolean; members: PresenceMember[] };
}

export interface PresenceMember {
  userId: string;
  name?: string;
  image?: string;
  role?: string;
}

export interface ChatMessage {
  id: string;
  channelId: string;
  userId: string;
  userName?: string;
  text: string;
  parentId?: string;
  attachments?: { type: 'image'; url: string }[];
  reactions?: Record<string, number>;
  createdAt: string;
  updatedAt?: string;
  deleted?: boolean;
  clientId?: string;
  /** Number of replies, on a message that starts a thread. */
  replyCount?: number;
  /** Set on a shadow-banned user's messages: only that user receives them. */
  shadowed?: boolean;
}

export interface EventEnvelope<T extends AnyEventType = AnyEventType> {
  id: string;
  type: T;
  appId: string;
  createdAt: string;
  data: T extends keyof EventPayloads ? EventPayloads[T] : unknown;
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
