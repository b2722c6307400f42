// The chat domain: channels, messages, moderation, attachments, user tokens and the chat collections. Realtime is its
// Socket.IO transport and the control plane its REST transport; both import it, neither imports the other.
export { createChatServices } from './services';
export {
  DEFAULT_CHAT_LIMITS,
  actorName,
  type ChatActor,
  type ChatCtx,
  type ChatLimits,
  type ChatServices,
} from './context';
export {
  CHAT_COLLECTIONS,
  CHAT_INDEXES,
  chatRepos,
  chatSettingsOf,
  publicChannel,
  publicMessage,
  uploadsOf,
  type BanDoc,
  type ChannelDoc,
  type ChatSettingsDoc,
  type MessageDoc,
  type MuteDoc,
  type UploadDoc,
} from './repos';
export { ATTACHMENT_HOST, UPLOAD_PATH } from './attachments';
export { authenticateUser, signUserToken, type ChatUser } from './user-token';
export { exportChatUser, forgetChatUser } from './privacy';
export * as channels from './channels';
export * as messages from './messages';
export * as moderation from './moderation';
export { assertGuestMode, guestChatMode } from './guests';
export { checkWrite, readWriteAccess } from './write-access';
export { activeRestriction, applyBlocklist, isAppModerator, isChannelModerator } from './rules';
export { conflict, forbidden, invalid, notFound, rateLimited, unauthorized } from './errors';
