// Browser chat entry of @beamline/sdk: `import { ChatClient } from '@beamline/sdk/chat'`.
export { ChatClient, type ChatClientEvents, type ChatClientOptions, type ConnectionState } from './client';
export { ChatChannel, type ChannelEvents, type JoinResult } from './channel';
export { ChatError, type ChatClientErrorCode } from './errors';
export type {
  AnyEventType,
  Attachment,
  Channel,
  ChatErrorCode,
  ChatMessage,
  ClosingNotice,
  EventEnvelope,
  EventPayloads,
  EventType,
  PresenceMember,
  UserRole,
} from '../generated/protocol';
