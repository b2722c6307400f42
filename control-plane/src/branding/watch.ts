// The hosted player page's public API: what a viewer may know about a playback id, and guest chat tokens.
import type { Collection, DocumentStore, SecretBox } from '@beamline/core';
import { randomToken } from '@beamline/protocol';
import type { ControlPlaneConfig } from '../config';
import { signAppUserToken } from '../dashboard/tokens';
import { Forbidden, NotFound } from '../errors';
import type { Repos } from '../repos';
import { getBranding, type BrandingServices } from './branding';
import { publicBranding } from './model';

/** The fields of a stream document the player page reads; the streams feature owns the collection. */
export interface PlaybackStream {
  id: string;
  appId: string;
  name: string;
  playbackId: string;
  playbackPolicy: 'public' | 'signed';
  state: 'idle' | 'live' | 'disconnected';
  enabled: boolean;
  viewers?: number;
  liveStartedAt?: string;
}

export const GUEST_TOKEN_TTL_SECONDS = 4 * 3600;

export function streamsCollection(store: DocumentStore): Collection<PlaybackStream> {
  return store.collection<PlaybackStream>('streams');
}

export async function findPlayback(store: DocumentStore, playbackId: string): Promise<PlaybackStream> {
  const stream = await streamsCollection(store).findOne({ playbackId });
  if (!stream) throw NotFound('playback_not_found', `No stream with playback id ${playbackId}.`);
  return stream;
}

export function hlsUrlFor(config: ControlPlaneConfig, playbackId: string): string {
  return `${config.HLS_PUBLIC_URL.replace(/\/$/, '')}/hls/${playbackId}/master.m3u8`;
}

export async function watchInfo(
  config: ControlPlaneConfig,
  store: DocumentStore,
  s: BrandingServices,
  playbackId: string,
  now: Date,
) {
  const stream = await findPlayback(store, playbackId);
  const branding = publicBranding(await getBranding(s, stream.appId, now));
  const status: 'live' | 'offline' | 'disabled' = !stream.enabled
    ? 'disabled'
    : stream.state === 'live'
      ? 'live'
      : 'offline';
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
      hlsUrl: hlsUrlFor(config, stream.playbackId),
    },
    chat: { channelId: stream.id, guestAccess: branding.guestChat, realtimeUrl: config.REALTIME_PUBLIC_URL },
    branding: { ...branding, emailFooter: null },
  };
}

/**
 * A chat token for a guest of the hosted player page: role user, a fresh guest id.
 */
export async function guestChatToken(
  deps: { config: ControlPlaneConfig; store: DocumentStore; secretBox: SecretBox },
  repos: Repos,
  s: BrandingServices,
  playbackId: string,
  name: string,
  now: Date,
) {
  const stream = await findPlayback(deps.store, playbackId);
  const branding = await getBranding(s, stream.appId, now);
  if (!branding.guestChat)
    throw Forbidden('guest_chat_disabled', 'This app does not let guests chat on its player page.');
  const app = await repos.apps.findOne({ id: stream.appId });
  if (!app || app.status !== 'active') throw Forbidden('app_archived', 'This app is archived.');
  const userId = `guest_${randomToken(12)}`;
  const { token, expiresAt } = await signAppUserToken(
    deps,
    repos,
    stream.appId,
    { sub: userId, role: 'user', name },
    GUEST_TOKEN_TTL_SECONDS,
    now,
  );
  return {
    token,
    userId,
    name,
    channelId: stream.id,
    realtimeUrl: deps.config.REALTIME_PUBLIC_URL,
    expiresAt,
  };
}
