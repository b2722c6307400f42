// Token helpers for a developer's backend: HS256 JWTs signed with the app's API secret, as the platform checks them.
import { createHmac } from 'node:crypto';
import type { PlaybackTokenClaims, UserRole, UserTokenClaims } from '../generated/protocol';

export interface Credentials {
  apiKey: string;
  apiSecret: string;
}

export interface UserTokenOptions {
  /** `user` (default), `moderator` or `admin`. */
  role?: UserRole;
  /** Lifetime in seconds; default 3600. */
  ttl?: number;
  /** Display name and avatar shown to other chat users. */
  name?: string;
  image?: string;
  /** Seconds since the epoch; for tests. */
  now?: number;
}

export interface PlaybackTokenOptions {
  /** Lifetime in seconds; default 3600. */
  ttl?: number;
  /** Your id for the viewer; counted in analytics. */
  viewerId?: string;
  now?: number;
}

const DEFAULT_TTL = 3600;

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

export function signJwt(claims: object, secret: string): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  const mac = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${mac}`;
}

function lifetime(ttl: number | undefined): number {
  const value = ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(value) || value <= 0) throw new RangeError('ttl must be a positive number of seconds');
  return value;
}

function nowSeconds(now: number | undefined): number {
  return now ?? Math.floor(Date.now() / 1000);
}

/** A chat user token for `ChatClient.connect({ token })`. */
export function createUserToken(credentials: Credentials, userId: string, options: UserTokenOptions = {}): string {
  if (!userId) throw new TypeError('userId is required');
  const iat = nowSeconds(options.now);
  const claims: UserTokenClaims = {
    sub: userId,
    app: credentials.apiKey,
    iat,
    exp: iat + lifetime(options.ttl),
  };
  if (options.role) claims.role = options.role;
  if (options.name) claims.name = options.name;
  if (options.image) claims.image = options.image;
  return signJwt(claims, credentials.apiSecret);
}

/** A playback token for a stream whose playback policy is `signed`. */
export function createPlaybackToken(
  credentials: Credentials,
  playbackId: string,
  options: PlaybackTokenOptions = {},
): string {
  if (!playbackId) throw new TypeError('playbackId is required');
  const claims: PlaybackTokenClaims & { iat: number } = {
    sub: playbackId,
    kid: credentials.apiKey,
    aud: 'playback',
    iat: nowSeconds(options.now),
    exp: nowSeconds(options.now) + lifetime(options.ttl),
  };
  if (options.viewerId) claims.viewerId = options.viewerId;
  return signJwt(claims, credentials.apiSecret);
}

/** Reads a JWT's claims without checking its signature (the platform checks it). */
export function decodeToken<T = Record<string, unknown>>(token: string): T {
  const part = token.split('.')[1];
  if (!part) throw new TypeError('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as T;
}
