// The hosted player page's public API: what a viewer may know about a playback id, and guest chat tokens.
import type { DocumentStore, SecretBox } from '@beamline/core';
import { guestChatModeOf } from '@beamline/protocol';
import type { ControlPlaneConfig } from '../config';
import { signAppUserToken } from '../dashboard/tokens';
import { Forbidden, NotFound } from '../errors';
import type { Repos } from '../repos';
import { streamRepos, type StreamDoc } from '../streams/repo';
import { verifyPlaybackToken } from '../streams/tokens';
import { getBranding, type BrandingServices } from './branding';
import { publicBranding } from './model';

export const GUEST_TOKEN_TTL_SECONDS = 4 * 3600;

export async function findPlayback(store: DocumentStore, playbackId: string): Promise<StreamDoc> {
  const stream = await streamRepos(store).streams.findOne({ playbackId });
  if (!stream) throw NotFound('playback_not_found', `No stream with playback id ${playbackId}.`);
  return stream;
}

const PRIVATE = 'This stream is private: open it from the site that shared it, with its playback token.';

/**
 * The stream behind a playback id, as a viewer may reach it: a signed stream only with a valid playback token of
 * its own app (the same token the player uses). The refusal says nothing about the stream.
 */
export async function openPlayback(
  deps: { store: DocumentStore; secretBox: SecretBox },
  playbackId: string,
  token: string | undefined,
  now: Date,
): Promise<StreamDoc> {
  const stream = await findPlayback(deps.store, playbackId);
  if (stream.playbackPolicy === 'public') return stream;
  if (!token) throw Forbidden('playback_token_required', PRIVATE);
  if (!(await verifyPlaybackToken(deps.store, deps.secretBox, stream, token, now)))
    throw Forbidden('playback_token_invalid', `${PRIVATE} The token given is not valid for it, or has expired.`);
  return stream;
}

export function hlsUrlFor(config: ControlPlaneConfig, playbackId: string): string {
  return `${config.HLS_PUBLIC_URL.replace(/\/$/, '')}/hls/${playbackId}/master.m3u8`;
}

export async function watchInfo(
  deps: { config: ControlPlaneConfig; store: DocumentStore; secretBox: SecretBox },
  s: BrandingServices,
  input: { playbackId: string; token?: string | undefined },
  now: Date,
) {
  const stream = await openPlayback(deps, input.playbackId, input.token, now);
  const branding = publicBranding(await getBranding(s, stream.appId, now));
  const status: 'live' | 'offline' | 'disabled' = !stream.enabled
    ? 'disabled'
    : stream.state === 'live'
      ? 'live'
      : 'offline';
  const mode = guestChatModeOf(stream, branding.guestChat);
  return {
    appId: stream.appId,
    stream: {
      id: stream.id,
      name: stream.name,
      playbackId: stream.playbackId,
      playbackPolicy: stream.playbackPolicy,
      status,
      viewers: stream.viewers ?? 0,
      liveStartedAt: stream.state === 'live' ? (stream.liveStartedAt ?? null) : null,
      hlsUrl: hlsUrlFor(deps.config, stream.playbackId),
    },
    chat: {
      channelId: stream.id,
      guestAccess: mode !== 'off',
      guestChat: mode,
      realtimeUrl: deps.config.REALTIME_PUBLIC_URL,
    },
    branding: { ...branding, emailFooter: null },
  };
}

/**
 * A chat token for a guest of the hosted player page: role guest, this stream's channel only, for the guest id
 * `identify` gives (the browser's, from its cookie). Refused when the stream's guest chat is off.
 */
export async function guestChatToken(
  deps: { config: ControlPlaneConfig; store: DocumentStore; secretBox: SecretBox },
  repos: Repos,
  s: BrandingServices,
  input: {
    playbackId: string;
    name: string;
    playbackToken?: string | undefined;
    identify(stream: StreamDoc): Promise<{ userId: string }>;
  },
  now: Date,
) {
  const stream = await openPlayback(deps, input.playbackId, input.playbackToken, now);
  const branding = await getBranding(s, stream.appId, now);
  const mode = guestChatModeOf(stream, branding.guestChat);
  if (mode === 'off')
    throw Forbidden('guest_chat_disabled', 'Guests may not chat on this player page; sign in on the host site.');
  const app = await repos.apps.findOne({ id: stream.appId });
  if (!app || app.status !== 'active') throw Forbidden('app_archived', 'This app is archived.');
  const { userId } = await input.identify(stream);
  const { token, expiresAt } = await signAppUserToken(
    deps,
    repos,
    stream.appId,
    { sub: userId, role: 'guest', channel: stream.id, name: input.name },
    GUEST_TOKEN_TTL_SECONDS,
    now,
  );
  return {
    token,
    userId,
    name: input.name,
    channelId: stream.id,
    guestChat: mode,
    realtimeUrl: deps.config.REALTIME_PUBLIC_URL,
    expiresAt,
  };
}
