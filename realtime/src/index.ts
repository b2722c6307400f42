// The realtime service and the chat domain as a library: the all-in-one root, the control plane and tests use it.
export { createRealtimeNode, DEFAULT_FLOOD_LIMITS, type RealtimeDeps, type RealtimeNode } from './server';
export { parseRealtimeConfig, realtimeEnv, type RealtimeConfig } from './config';
export { authenticateUser, signUserToken, type SocketUser } from './auth';
export { createChatServices } from './chat/services';
export type { ChatActor, ChatCtx, ChatServices, ChatLimits } from './chat/context';
export { CHAT_COLLECTIONS, publicChannel, publicMessage, type ChannelDoc, type MessageDoc } from './chat/repos';
export {
  ATTACHMENT_COLLECTIONS,
  ATTACHMENT_HOST,
  ATTACHMENT_INDEXES,
  chatSettingsOf,
  UPLOAD_PATH,
  uploadsOf,
  type ChatSettingsDoc,
  type UploadDoc,
} from './chat/attachments';
export * as channels from './chat/channels';
export * as messages from './chat/messages';
export * as moderation from './chat/moderation';
export { applyBlocklist, activeRestriction, isAppModerator, isChannelModerator } from './chat/rules';
export { ChatError, CHAT_ERROR_CODES } from './errors';
