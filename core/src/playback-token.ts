// Playback tokens, checked one way everywhere (control plane, realtime, media edge): HS256 with one of the stream's
// app's API secrets, the key's public half as `kid`, audience `playback`, `sub` = the playback id, an `exp`.
import jwt from 'jsonwebtoken';
import { findActiveApiKey } from './apikeys';
import { hmacKey } from './jwtkeys';
import type { SecretBox } from './crypto';
import type { DocumentStore } from './store';

export interface PlaybackClaims {
  sub: string;
  /** Seconds since the epoch. */
  exp: number;
  viewerId?: string;
}

/** The API key a playback token names (`kid` in its header or its claims), or null. */
export function playbackTokenKid(token: string): string | null {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null) return null;
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : (decoded.payload as jwt.JwtPayload).kid;
  return typeof kid === 'string' ? kid : null;
}

/**
 * The claims of a playback token signed with one of `secrets` (a key's current and, during a rotation, previous
 * secret), expired or not; null when no secret signed it or a claim is missing.
 */
export function playbackClaims(token: string, secrets: readonly string[]): PlaybackClaims | null {
  for (const secret of secrets) {
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, hmacKey(secret), {
        algorithms: ['HS256'],
        audience: 'playback',
        ignoreExpiration: true,
      }) as jwt.JwtPayload;
    } catch {
      continue; // the key's previous secret, while its rotation grace lasts
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    return {
      sub: claims.sub,
      exp: claims.exp,
      ...(typeof claims.viewerId === 'string' ? { viewerId: claims.viewerId } : {}),
    };
  }
  return null;
}

/**
 * Whether `token` opens this stream: signed by an active API key of the stream's own app (another app's key never
 * opens it, whatever its `sub` says), for this playback id, not expired at `now`.
 */
export async function checkPlaybackToken(
  store: DocumentStore,
  box: SecretBox,
  stream: { appId: string; playbackId: string },
  token: string,
  now: Date,
): Promise<'valid' | 'invalid' | 'expired'> {
  const kid = playbackTokenKid(token);
  const key = kid ? await findActiveApiKey(store, box, kid, now) : null;
  if (!key || key.appId !== stream.appId) return 'invalid';
  const claims = playbackClaims(token, key.secrets);
  if (!claims || claims.sub !== stream.playbackId) return 'invalid';
  return claims.exp * 1000 <= now.getTime() ? 'expired' : 'valid';
}
