// Generated from protocol/src/tokens.ts by scripts/docs/generate.ts; do not edit.
// Claims of the JWTs the platform mints or checks.

export const USER_ROLES = ['user', 'moderator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A chat user token: HS256, signed with the app's API secret by the developer's backend. */
export interface UserTokenClaims {
  /** The end user's id in the developer's system. */
  sub: string;
  /** The API key (public part) whose secret signed the token. */
  app: string;
  role?: UserRole;
  name?: string;
  image?: string;
  exp?: number;
  iat?: number;
}

/** A playback token for a signed stream: HS256, signed with the app's API secret. */
export interface PlaybackTokenClaims {
  /** The playback id the token opens. */
  sub: string;
  /** The API key whose secret signed the token. */
  kid: string;
  aud: 'playback';
  viewerId?: string;
  exp: number;
}
