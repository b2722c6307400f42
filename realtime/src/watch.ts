// Whether a socket may follow a stream's viewer-facing events: a public stream, or a signed one with a playback
// token for it, checked as the media edge checks it.
import { appStreams, checkPlaybackToken, type DocumentStore, type SecretBox } from '@beamline/core';
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
  const verdict = await checkPlaybackToken(deps.store, deps.secretBox, stream, playbackToken, deps.now());
  if (verdict === 'expired') throw forbidden('playback_token_expired', 'The playback token expired.');
  if (verdict === 'invalid') throw forbidden('playback_token_invalid', 'The playback token does not open this stream.');
}
