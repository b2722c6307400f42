// Playback tokens: HS256 JWTs signed with one of the app's API secrets, the same ones the SDK can mint.
import { findActiveApiKey, hmacKey, type DocumentStore, type SecretBox } from '@beamline/core';
import type { PlaybackTokenClaims } from '@beamline/protocol';
import jwt from 'jsonwebtoken';
import type { AppCtx } from '../context';
import { Invalid } from '../errors';

export function signPlaybackToken(secret: string, claims: PlaybackTokenClaims): string {
  return jwt.sign(claims, hmacKey(secret), { algorithm: 'HS256', noTimestamp: true });
}

/** Signs with the app's newest active API key; the key's public half travels as `kid`. */
export async function mintPlaybackToken(
  ctx: AppCtx,
  box: SecretBox,
  input: { playbackId: string; ttlSeconds: number; viewerId?: string | undefined },
): Promise<{ token: string; expiresAt: string }> {
  const keys = await ctx.repos
    .forApp(ctx.appId)
    .apiKeys.find({ revokedAt: { $exists: false } }, { sort: { createdAt: -1 }, limit: 1 });
  const newest = keys[0];
  const key = newest ? await findActiveApiKey(ctx.store, box, newest.key, ctx.clock.now()) : null;
  if (!key) throw Invalid('no_active_api_key', 'The app has no active API key to sign playback tokens with.');
  const exp = Math.floor(ctx.clock.now().getTime() / 1000) + input.ttlSeconds;
  const claims: PlaybackTokenClaims = {
    sub: input.playbackId,
    kid: key.key,
    aud: 'playback',
    exp,
    ...(input.viewerId ? { viewerId: input.viewerId } : {}),
  };
  return { token: signPlaybackToken(key.secrets[0]!, claims), expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * Whether `token` is a playback token for this stream: HS256 with an active API key of the stream's own app (the
 * key's public half as `kid`), audience playback, `sub` = the playback id, `exp` in the future.
 */
export async function verifyPlaybackToken(
  store: DocumentStore,
  box: SecretBox,
  stream: { appId: string; playbackId: string },
  token: string,
  now: Date,
): Promise<boolean> {
  const decoded = jwt.decode(token, { complete: true });
  const payload = decoded?.payload;
  if (!decoded || typeof payload !== 'object' || payload === null) return false;
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : (payload as jwt.JwtPayload).kid;
  if (typeof kid !== 'string') return false;
  const key = await findActiveApiKey(store, box, kid, now);
  if (!key || key.appId !== stream.appId) return false;
  for (const secret of key.secrets) {
    try {
      const claims = jwt.verify(token, hmacKey(secret), {
        algorithms: ['HS256'],
        audience: 'playback',
        subject: stream.playbackId,
        clockTimestamp: Math.floor(now.getTime() / 1000),
      }) as jwt.JwtPayload;
      return typeof claims.exp === 'number';
    } catch {
      // the key's previous secret, while its rotation grace lasts
    }
  }
  return false;
}
