// Generated from protocol/src/errors.ts by scripts/docs/generate.ts; do not edit.
// The one error body every transport returns, and the catalogs of stable error codes (the REST API's, chat's).

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: unknown;
    requestId?: string;
  };
}

/** Stable codes a client may switch on; the message is for people and may change. */
export const ERROR_CODES = {
  bad_request: 'The request is malformed (for example, the body is not valid JSON).',
  validation_failed: 'A field is missing, has the wrong type, or is not allowed; details lists each problem.',
  payload_too_large: 'The request body is larger than the limit (1 MB).',
  headers_too_large: 'The URL or headers are larger than the server accepts (16 KB).',
  invalid_cursor: 'The pagination cursor is not one this API returned.',
  unauthorized: 'No credentials, or credentials that are not valid.',
  token_expired: 'The access or user token has expired; refresh it.',
  invalid_credentials: 'The email or password is wrong.',
  refresh_token_reused: 'A refresh token was used twice; every session of that login was revoked.',
  forbidden: 'The credentials are valid but may not do this.',
  not_found: 'No such route.',
  app_not_found: 'No app with that id is visible to these credentials.',
  api_key_not_found: 'No API key with that id in this app.',
  member_not_found: 'No member with that id in this app.',
  invitation_not_found: 'The invitation does not exist, was used, or has expired.',
  invitation_email_mismatch: 'The invitation was sent to another email address.',
  last_owner: 'An app must keep at least one owner.',
  already_member: 'That user is already a member of this app.',
  email_taken: 'An account with that email exists.',
  rate_limited: 'Too many requests; retry after the number of seconds in Retry-After.',
  method_not_allowed: 'The route exists but not with this method.',
  conflict: 'The request conflicts with the current state.',
  internal_error: 'A bug on our side; the request id helps us find it.',
  unavailable: 'A dependency is not reachable; retry later.',
} as const;

export type KnownErrorCode = keyof typeof ERROR_CODES;

/**
 * Stable codes of the chat domain, with what each means: realtime handshake refusals and request acknowledgements,
 * and chat's REST calls an end user makes (image uploads). The chat verbs can throw no other code.
 */
export const CHAT_ERRORS = {
  unauthorized: 'No token, or a token that is not a valid user token.',
  token_expired: 'The user token has expired; get a new one from your backend.',
  token_exp_required: 'The user token has no exp claim and the app does not accept tokens that never expire.',
  invalid_api_key: "The token's app key is unknown or revoked.",
  app_archived: 'The app is archived.',
  app_not_found: "An upload's user token belongs to another app than the one in the URL.",
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
  message_too_long: 'The text is longer than REALTIME_LIMITS.messageTextMax characters.',
  parent_not_found: 'The message being answered does not exist in this channel.',
  message_blocked: "The message contains a word on the app's blocklist.",
  banned: 'The user is banned from this channel or app.',
  muted: 'The user is muted until details.until.',
  ban_not_found: 'The user is not banned there.',
  mute_not_found: 'The user is not muted there.',
  not_author: 'Only the author may edit this message.',
  guest_channel_only: 'A guest token opens only the channel of its channel claim.',
  guest_chat_off: 'Guests may not chat on this stream (its guest chat mode is off).',
  guests_read_only: "Guests may only read this stream's chat (its guest chat mode is read).",
  guest_upload_forbidden: 'Guests may not upload images.',
  stream_not_found: 'No such stream in this app.',
  playback_token_required: 'The stream is signed: subscribing to its events needs a playback token of the stream.',
  playback_token_invalid: "The playback token is not one of this app's keys for this stream.",
  playback_token_expired: 'The playback token has expired.',
  attachment_not_allowed:
    "An attachment is neither one of the app's uploads nor on a host of the app's attachment hosts.",
  unsupported_media_type: 'An upload is not a PNG, JPEG, GIF or WebP image.',
  image_type_mismatch: "An upload's bytes are not the image type its Content-Type names.",
  payload_too_large: "An upload is larger than the app's plan allows (details.maxBytes).",
  forbidden: "The token's role may not do this (see the permission table in security.md).",
  internal_error: 'A bug on our side.',
} as const;

export type ChatErrorCode = keyof typeof CHAT_ERRORS;
/** Every chat error code, in the catalog's order. */
export const CHAT_ERROR_CODES = Object.keys(CHAT_ERRORS) as readonly ChatErrorCode[];
