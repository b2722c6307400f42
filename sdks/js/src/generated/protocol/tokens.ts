// Generated from protocol/src/tokens.ts by scripts/docs/generate.ts; do not edit.
// Claims of the JWTs the platform mints or checks.

/**
 * Roles of a user token, least trusted first. `guest` is issued only by the platform (the hosted player page's
 * anonymous viewers); `user` is an end user signed in through the developer's backend; `moderator` and `admin`
 * are minted by the developer's backend (or the dashboard) for trusted people and server-side code.
 */
export const USER_ROLES = ['guest', 'user', 'moderator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Who may chat on a stream's player page: `chat` guests may write, `read` guests may only read, `off` guests get
 * no chat token (only end users signed in by the developer's backend). A stream without its own setting takes
 * `chat` when it is public and the app's branding allows guest chat, else `off` (signed streams are closed to
 * guests unless the owner opens them).
 */
export const GUEST_CHAT_MODES = ['chat', 'read', 'off'] as const;
export type GuestChatMode = (typeof GUEST_CHAT_MODES)[number];

/** A chat user token: HS256, signed with the app's API secret by the developer's backend. */
export interface UserTokenClaims {
  /** The end user's id in the developer's system. */
  sub: string;
  /** The API key (public part) whose secret signed the token. */
  app: string;
  role?: UserRole;
  /**
   * `dashboard`: the token of an app member's dashboard session (any member role), minted by the control plane.
   * It may follow the app's platform events; what it may moderate still follows `role`.
   */
  scope?: 'dashboard';
  /** A guest token opens this one channel only (the stream's chat of the player page it was issued on). */
  channel?: string;
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
