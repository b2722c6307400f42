// Generated from protocol/src/errors.ts by scripts/docs/generate.ts; do not edit.
// The one error body every transport returns, and the catalog of stable error codes.

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
