// The hosted player page's public API: what a viewer may know about a playback id, and guest chat tokens.
import {
  findActiveApiKey,
  tenantCollection,
  type Collection,
  type DocumentStore,
  type SecretBox,
} from '@beamline/core';
import { randomToken, type UserTokenClaims } from '@beamline/protocol';
import jwt from 'jsonwebtoken';
import type { ControlPlaneConfig } from '../config';
import { Conflict, Forbidden, NotFound } from '../errors';
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
 * A chat token for a guest of the hosted player page: role user, a fresh guest id, signed with the app's
 * oldest active API key exactly as a developer's backend would sign one.
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
  const keys = await tenantCollection(repos.lookup.apiKeys, stream.appId).find(
    { revokedAt: { $exists: false } },
    { sort: { createdAt: 1 }, limit: 1 },
  );
  const key = keys[0] && (await findActiveApiKey(deps.store, deps.secretBox, keys[0].key, now));
  if (!key) throw Conflict('chat_unavailable', 'This app has no active API key to sign chat tokens with.');
  const userId = `guest_${randomToken(12)}`;
  const claims: Omit<UserTokenClaims, 'sub' | 'exp' | 'iat'> = { app: key.key, role: 'user', name };
  const token = jwt.sign(claims, key.secrets[0]!, {
    subject: userId,
    expiresIn: GUEST_TOKEN_TTL_SECONDS,
    algorithm: 'HS256',
  });
  return {
    token,
    userId,
    name,
    channelId: stream.id,
    realtimeUrl: deps.config.REALTIME_PUBLIC_URL,
    expiresAt: new Date(now.getTime() + GUEST_TOKEN_TTL_SECONDS * 1000).toISOString(),
  };
}
