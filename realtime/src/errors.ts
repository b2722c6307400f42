// The chat domain's error family: verbs throw these; the Socket.IO and HTTP transports map them.

export type ChatErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited';

export class ChatError extends Error {
  constructor(
    readonly kind: ChatErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

export const invalid = (code: string, message: string, details?: unknown) =>
  new ChatError('invalid', code, message, details);
export const forbidden = (code: string, message: string, details?: unknown) =>
  new ChatError('forbidden', code, message, details);
export const notFound = (code: string, message: string) => new ChatError('not_found', code, message);
export const rateLimited = (code: string, message: string, retryAfterSeconds: number) =>
  new ChatError('rate_limited', code, message, { retryAfterSeconds });

/** Stable codes of the realtime transport and the chat domain, with what each means. */
export const CHAT_ERROR_CODES = {
  unauthorized: 'No token, or a token that is not a valid user token.',
  token_expired: 'The user token has expired; get a new one from your backend.',
  token_exp_required: 'The user token has no exp claim and the app does not accept tokens that never expire.',
  invalid_api_key: "The token's app key is unknown or revoked.",
  app_archived: 'The app is archived.',
  origin_not_allowed: "The browser page's origin is not among the app's allowed origins.",
  validation_failed: 'The payload is malformed; details lists each problem.',
  unknown_request: 'No request of that name.',
  rate_limited: 'Too many requests; retry after details.retryAfterSeconds.',
  slow_mode: 'Slow mode is on in this channel; retry after details.retryAfterSeconds.',
  channel_not_found: 'No such channel in this app.',
  channel_exists: 'A channel with that id exists.',
  not_a_member: 'The channel is members-only and the user is not a member.',
  not_joined: 'Join the channel first.',
  message_not_found: 'No such message in this channel or app.',
  parent_not_found: 'The message being answered does not exist in this channel.',
  message_blocked: "The message contains a word on the app's blocklist.",
  banned: 'The user is banned from this channel or app.',
  muted: 'The user is muted until details.until.',
  not_author: 'Only the author may edit this message.',
  guest_channel_only: 'A guest token opens only the channel of its channel claim.',
  guest_chat_off: 'Guests may not chat on this stream (its guest chat mode is off).',
  guests_read_only: "Guests may only read this stream's chat (its guest chat mode is read).",
  stream_not_found: 'No such stream in this app.',
  playback_token_required: 'The stream is signed: subscribing to its events needs a playback token of the stream.',
  playback_token_invalid: "The playback token is not one of this app's keys for this stream.",
  playback_token_expired: 'The playback token has expired.',
  attachment_not_allowed:
    "An attachment is neither one of the app's uploads nor on a host of the app's attachment hosts.",
  forbidden: "The token's role may not do this (see the permission table in security.md).",
  internal_error: 'A bug on our side.',
} as const;
