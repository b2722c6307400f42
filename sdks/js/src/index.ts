// Server entry of @beamline/sdk: the REST client, token helpers and the shared wire types.
export { Platform, type PlatformOptions } from './server/platform';
export { SDK_VERSION } from './version';
export { PlatformError, type PlatformErrorCode } from './server/errors';
export { PageIterator, type Page } from './server/pagination';
export type { RequestInfo } from './server/http';
export * from './server/resources';
export * from './server/resources-chat';
export * from './server/resources-insights';
export {
  createPlaybackToken,
  createUserToken,
  decodeToken,
  type Credentials,
  type PlaybackTokenOptions,
  type UserTokenOptions,
} from './server/tokens';
export type { OperationId, OpBody, OpQuery, OpResult, Schemas } from './server/types';
export type {
  AnyEventType,
  ChatMessage,
  EventEnvelope,
  EventPayloads,
  EventType,
  KnownErrorCode,
  PlaybackTokenClaims,
  PresenceMember,
  UserRole,
  UserTokenClaims,
} from './generated/protocol';
export { ERROR_CODES, EVENT_TYPES, REALTIME_ONLY_EVENT_TYPES, USER_ROLES } from './generated/protocol';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookHeaders,
  type WebhookVerificationErrorCode,
} from './webhooks';
