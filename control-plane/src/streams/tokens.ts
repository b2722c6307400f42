// Playback tokens: HS256 JWTs signed with one of the app's API secrets, the same ones the SDK can mint.
import { checkPlaybackToken, findActiveApiKey, hmacKey, type DocumentStore, type SecretBox } from '@beamline/core';
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

/** Whether `token` opens this stream now (core's one check of playback tokens). */
export async function verifyPlaybackToken(
  store: DocumentStore,
  box: SecretBox,
  stream: { appId: string; playbackId: string },
  token: string,
  now: Date,
): Promise<boolean> {
  return (await checkPlaybackToken(store, box, stream, token, now)) === 'valid';
}
