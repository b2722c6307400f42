// Generated from protocol/src/realtime.ts by scripts/docs/generate.ts; do not edit.
// The realtime (Socket.IO) contract: client request names, their payloads and acknowledgements.
import type { ChatErrorCode } from './errors';
import type { AnyEventType, ChatMessage, EventEnvelope, PresenceMember } from './events';
import type { GuestChatMode } from './tokens';

/** The one Socket.IO event the server sends; it carries an EventEnvelope. */
export const SERVER_EVENT = 'event' as const;
/** Sent once, just before the server closes a connection, with the reason (then the socket disconnects). */
export const CLOSING_EVENT = 'closing' as const;

export const CHANNEL_TYPES = ['livestream', 'messaging'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export interface Channel {
  id: string;
  type: ChannelType;
  name?: string;
  /** Only listed members (and moderators) may join. */
  membersOnly: boolean;
  members?: string[];
  /** Users who moderate this channel only (app-wide moderators come from the token role). */
  moderators?: string[];
  /** One message per N seconds per user; 0 is off. Moderators are exempt. */
  slowModeSeconds: number;
  /** The live stream this channel belongs to, for a stream's implicit channel. */
  streamId?: string;
  createdAt: string;
  updatedAt?: string;
}

export interface Attachment {
  type: 'image';
  url: string;
}

export interface ChannelJoinRequest {
  channelId: string;
}
export interface ChannelLeaveRequest {
  channelId: string;
}
export interface MessageSendRequest {
  channelId: string;
  text: string;
  /** The client's own id for this message: resending with the same id returns the stored message. */
  clientId?: string;
  /** Answers this message (a thread reply). */
  parentId?: string;
  attachments?: Attachment[];
}
export interface MessageUpdateRequest {
  messageId: string;
  text: string;
}
export interface MessageDeleteRequest {
  messageId: string;
}
export interface MessageReactRequest {
  messageId: string;
  type: string;
  /** true takes the reaction back. */
  remove?: boolean;
}
export interface HistoryRequest {
  channelId: string;
  /** Messages older than this message id (paging back). */
  before?: string;
  /**
   * Messages after this message id (gap-fill after a reconnect). The answer may repeat messages
   * stored within a few seconds before it; clients drop ids they already have.
   */
  after?: string;
  /** Only the replies to this message (a thread). */
  parentId?: string;
  limit?: number;
}
export interface TypingRequest {
  channelId: string;
}
export interface ReactionSendRequest {
  channelId: string;
  type: string;
}
export interface BanRequest {
  userId: string;
  /** Omit for an app-wide ban. */
  channelId?: string;
  durationSeconds?: number;
  reason?: string;
  /** The user keeps seeing their own messages; nobody else does. */
  shadow?: boolean;
}
export interface UnbanRequest {
  userId: string;
  channelId?: string;
}
export interface MuteRequest {
  userId: string;
  channelId?: string;
  durationSeconds: number;
}
export interface UnmuteRequest {
  userId: string;
  channelId?: string;
}
export interface SlowModeRequest {
  channelId: string;
  /** 0 turns slow mode off. */
  seconds: number;
}
export interface ModerationDeleteRequest {
  messageId: string;
}
export interface EventsSubscribeRequest {
  /**
   * Only this stream's events; omit for every platform event of the app (admin tokens and the dashboard's session
   * only). End users and guests receive a stream's viewer-facing events (VIEWER_EVENT_TYPES) only.
   */
  streamId?: string;
  /** For a signed stream, an end user's or guest's playback token of that stream (the one the player uses). */
  playbackToken?: string;
}

/** The events of one stream a viewer (an end user or guest) may follow: nothing about other viewers or streams. */
export const VIEWER_EVENT_TYPES = [
  'stream.live',
  'stream.offline',
  'viewer.count.update',
] as const satisfies readonly AnyEventType[];

/**
 * A stream's guest chat mode: its own setting, else `chat` for a public stream of an app whose branding allows
 * guest chat, else `off` (a signed stream is closed to guests unless its owner opens it).
 */
export function guestChatModeOf(
  stream: { playbackPolicy?: string; guestChat?: GuestChatMode | null },
  brandingGuestChat: boolean,
): GuestChatMode {
  if (stream.guestChat) return stream.guestChat;
  return stream.playbackPolicy === 'public' && brandingGuestChat ? 'chat' : 'off';
}

/** Every client request: its name, what it sends and what its acknowledgement carries on success. */
export interface ClientRequests {
  'channel.join': {
    request: ChannelJoinRequest;
    reply: { channel: Channel; messages: ChatMessage[]; members: PresenceMember[] };
  };
  'channel.leave': { request: ChannelLeaveRequest; reply: Record<string, never> };
  'message.send': { request: MessageSendRequest; reply: { message: ChatMessage } };
  'message.update': { request: MessageUpdateRequest; reply: { message: ChatMessage } };
  'message.delete': { request: MessageDeleteRequest; reply: { messageId: string } };
  'message.react': { request: MessageReactRequest; reply: { message: ChatMessage } };
  history: { request: HistoryRequest; reply: { messages: ChatMessage[]; hasMore: boolean } };
  'typing.start': { request: TypingRequest; reply: Record<string, never> };
  'typing.stop': { request: TypingRequest; reply: Record<string, never> };
  'reaction.send': { request: ReactionSendRequest; reply: Record<string, never> };
  'moderation.ban': { request: BanRequest; reply: Record<string, never> };
  'moderation.unban': { request: UnbanRequest; reply: Record<string, never> };
  'moderation.mute': { request: MuteRequest; reply: { until: string } };
  'moderation.unmute': { request: UnmuteRequest; reply: Record<string, never> };
  'moderation.slowmode': { request: SlowModeRequest; reply: { channel: Channel } };
  'moderation.delete': { request: ModerationDeleteRequest; reply: { messageId: string } };
  'events.subscribe': { request: EventsSubscribeRequest; reply: Record<string, never> };
  'events.unsubscribe': { request: EventsSubscribeRequest; reply: Record<string, never> };
}

export type ClientRequestName = keyof ClientRequests;

export const CLIENT_REQUESTS = [
  'channel.join',
  'channel.leave',
  'message.send',
  'message.update',
  'message.delete',
  'message.react',
  'history',
  'typing.start',
  'typing.stop',
  'reaction.send',
  'moderation.ban',
  'moderation.unban',
  'moderation.mute',
  'moderation.unmute',
  'moderation.slowmode',
  'moderation.delete',
  'events.subscribe',
  'events.unsubscribe',
] as const satisfies readonly ClientRequestName[];

export interface AckError {
  error: { code: ChatErrorCode; message: string; details?: unknown };
}
export type AckOk<N extends ClientRequestName> = { ok: true } & ClientRequests[N]['reply'];
export type Ack<N extends ClientRequestName> = AckOk<N> | AckError;

/** The reason the server gives (CLOSING_EVENT) before it closes a connection. */
export interface ClosingNotice {
  code: 'banned' | 'flooding' | 'token_expired' | 'server_shutdown' | 'api_key_revoked';
  message: string;
}

/** The connect_error `data` of a refused handshake. */
export interface HandshakeError {
  code: ChatErrorCode;
  message: string;
}

/** Limits the server enforces; the SDK may check them before sending. */
export const REALTIME_LIMITS = {
  messageTextMax: 4000,
  attachmentsMax: 10,
  historyLimitMax: 200,
  joinHistory: 50,
  joinMembersMax: 100,
  reactionTypeMax: 32,
  /** Largest packet the server reads; a bigger one closes the connection. */
  maxPacketBytes: 64 * 1024,
} as const;

export type ServerEvent = EventEnvelope;
