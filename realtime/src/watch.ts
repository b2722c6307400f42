// Whether a socket may follow a stream's viewer-facing events: a public stream, or a signed one with a playback
// token for it, checked as the media edge checks it.
import { appStreams, findActiveApiKey, hmacKey, type DocumentStore, type SecretBox } from '@beamline/core';
import jwt from 'jsonwebtoken';
import { forbidden, notFound } from '@beamline/chat';

export async function assertMayWatch(
  deps: { store: DocumentStore; secretBox: SecretBox; now(): Date },
  appId: string,
  streamId: string,
  playbackToken: string | undefined,
): Promise<void> {
  const stream = await appStreams(deps.store, appId).findOne({ id: streamId });
  if (!stream) throw notFound('stream_not_found', `No stream ${streamId} in this app.`);
  if (stream.playbackPolicy === 'public') return;
  if (!playbackToken) {
    throw forbidden('playback_token_required', 'This stream is signed: pass its playback token as playbackToken.');
  }
  const invalid = forbidden('playback_token_invalid', 'The playback token does not open this stream.');
  const kid = jwt.decode(playbackToken, { json: true })?.kid;
  if (typeof kid !== 'string') throw invalid;
  const now = deps.now();
  const key = await findActiveApiKey(deps.store, deps.secretBox, kid, now);
  // Only the stream's own app signs for it: another app's key never opens it, whatever its sub says.
  if (!key || key.appId !== appId) throw invalid;
  for (const secret of key.secrets) {
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(playbackToken, hmacKey(secret), {
        algorithms: ['HS256'],
        audience: 'playback',
        clockTimestamp: Math.floor(now.getTime() / 1000),
      }) as jwt.JwtPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError)
        throw forbidden('playback_token_expired', 'The playback token expired.');
      continue; // the key's previous secret, while its rotation grace lasts
    }
    if (typeof claims.exp !== 'number' || claims.sub !== stream.playbackId) throw invalid;
    return;
  }
  throw invalid;
}
