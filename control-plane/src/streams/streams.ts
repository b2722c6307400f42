// Live streams: create, read, change, delete, reset the key, enable/disable, mint playback tokens.
import type { SecretBox } from '@beamline/core';
import { newId, randomToken, type GuestChatMode } from '@beamline/protocol';
import type { AppCtx } from '../context';
import { Invalid, NotFound } from '../errors';
import { paginate } from '../http/pagination';
import { DEFAULT_PROFILE_ID, resolveProfile } from './profiles';
import {
  streamRepos,
  type LatencyMode,
  type PlaybackPolicy,
  type RestreamStatus,
  type RestreamTarget,
  type StreamDoc,
  type StreamState,
} from './repo';
import { mintPlaybackToken } from './tokens';

export interface StreamUrls {
  rtmpBaseUrl: string;
  hlsBaseUrl: string;
}

export type StreamStatus = StreamState | 'disabled';

/** Opaque and random: never derived from the stream's ids. RTMP path-safe characters only. */
export const newStreamKey = () => `lsk_${randomToken(40)}`;
const newPlaybackId = () => randomToken(24);

export const streamStatus = (s: Pick<StreamDoc, 'enabled' | 'state'>): StreamStatus =>
  s.enabled ? s.state : s.state === 'idle' ? 'disabled' : s.state;

export function hlsUrlOf(urls: StreamUrls, playbackId: string) {
  return `${urls.hlsBaseUrl.replace(/\/$/, '')}/hls/${playbackId}/master.m3u8`;
}

/**
 * What a caller who may not change the stream still sees of a restream target: where it goes (without any
 * credentials in the URL), whether it is on, how it runs; never its third-party stream key.
 */
function redactedTarget(t: RestreamTarget, status: { status: RestreamStatus['status']; error: string | null }) {
  let url = t.url;
  try {
    const parsed = new URL(t.url);
    url = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    url = t.url.replace(/\/\/[^/@]*@/, '//');
  }
  const error = status.error?.split(t.streamKey).join('…') ?? null;
  return { id: t.id, url, enabled: t.enabled, status: status.status, error };
}

/**
 * A stream as the API shows it. `secrets` (the stream key, the publish URL, restream targets' keys) only for
 * callers who may change the stream (editors and up, API keys): whoever holds the key can broadcast.
 */
export function publicStream(s: StreamDoc, urls: StreamUrls, opts: { secrets: boolean }) {
  const rtmpUrl = urls.rtmpBaseUrl.replace(/\/$/, '');
  const targets = s.restreamTargets.map((t) => {
    const status = {
      status: s.restreamStatus?.[t.id]?.status ?? 'stopped',
      error: s.restreamStatus?.[t.id]?.error ?? null,
    };
    return opts.secrets ? { ...t, ...status } : redactedTarget(t, status);
  });
  return {
    id: s.id,
    name: s.name,
    ...(opts.secrets ? { streamKey: s.streamKey } : {}),
    playbackId: s.playbackId,
    playbackPolicy: s.playbackPolicy,
    latencyMode: s.latencyMode,
    profileId: s.profileId,
    record: s.record,
    reconnectWindowSeconds: s.reconnectWindowSeconds,
    guestChat: s.guestChat ?? null,
    enabled: s.enabled,
    status: streamStatus(s),
    rtmpUrl,
    ...(opts.secrets ? { publishUrl: `${rtmpUrl}/${s.streamKey}` } : {}),
    hlsUrl: hlsUrlOf(urls, s.playbackId),
    thumbnailUrl: `${urls.hlsBaseUrl.replace(/\/$/, '')}/hls/${s.playbackId}/thumbnail.jpg`,
    restreamTargets: targets,
    ingest: s.state === 'idle' ? null : (s.ingest ?? null),
    viewers: s.state === 'idle' ? 0 : (s.viewers ?? 0),
    liveStartedAt: s.liveStartedAt ?? null,
    lastEndedAt: s.lastEndedAt ?? null,
    publishRefusal: s.publishRefusal ?? null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
export type PublicStream = ReturnType<typeof publicStream>;

export interface StreamInput {
  name: string;
  profileId?: string | undefined;
  latencyMode?: LatencyMode | undefined;
  playbackPolicy?: PlaybackPolicy | undefined;
  record?: boolean | undefined;
  reconnectWindowSeconds?: number | undefined;
  restreamTargets?: { url: string; streamKey: string; enabled?: boolean | undefined }[] | undefined;
  /** null (on update): back to the app's default. */
  guestChat?: GuestChatMode | null | undefined;
}

const repo = (ctx: AppCtx) => streamRepos(ctx.store).forApp(ctx.appId).streams;

const targetsOf = (input: NonNullable<StreamInput['restreamTargets']>): RestreamTarget[] =>
  input.map((t) => ({ id: `rst_${randomToken(12)}`, url: t.url, streamKey: t.streamKey, enabled: t.enabled ?? true }));

export async function findStream(ctx: AppCtx, streamId: string): Promise<StreamDoc> {
  const stream = await repo(ctx).findOne({ id: streamId });
  if (!stream) throw NotFound('stream_not_found', `No stream ${streamId} in this app.`);
  return stream;
}

export async function createStream(ctx: AppCtx, input: StreamInput): Promise<StreamDoc> {
  const profileId = input.profileId ?? DEFAULT_PROFILE_ID;
  await resolveProfile(ctx, profileId);
  const now = ctx.clock.now().toISOString();
  const doc = await repo(ctx).insert({
    id: newId('stream'),
    name: input.name,
    streamKey: newStreamKey(),
    playbackId: newPlaybackId(),
    playbackPolicy: input.playbackPolicy ?? 'public',
    latencyMode: input.latencyMode ?? 'standard',
    profileId,
    record: input.record ?? false,
    reconnectWindowSeconds: input.reconnectWindowSeconds ?? 60,
    restreamTargets: targetsOf(input.restreamTargets ?? []),
    ...(input.guestChat ? { guestChat: input.guestChat } : {}),
    enabled: true,
    state: 'idle',
    createdAt: now,
    updatedAt: now,
  });
  await ctx.events.publish(ctx.appId, 'stream.created', { streamId: doc.id, name: doc.name });
  return doc;
}

export async function listStreams(
  ctx: AppCtx,
  opts: { limit: number; cursor?: string | undefined; status?: StreamStatus | undefined },
) {
  const filter: Record<string, unknown> = {};
  if (opts.status === 'disabled') Object.assign(filter, { enabled: false, state: 'idle' });
  else if (opts.status === 'idle') Object.assign(filter, { enabled: true, state: 'idle' });
  else if (opts.status) filter.state = opts.status;
  return paginate(repo(ctx), filter, opts);
}

export async function updateStream(ctx: AppCtx, streamId: string, input: Partial<StreamInput>) {
  await findStream(ctx, streamId);
  if (input.profileId !== undefined) await resolveProfile(ctx, input.profileId);
  const set: Partial<StreamDoc> = {};
  for (const field of [
    'name',
    'profileId',
    'latencyMode',
    'playbackPolicy',
    'record',
    'reconnectWindowSeconds',
  ] as const) {
    if (input[field] !== undefined) Object.assign(set, { [field]: input[field] });
  }
  if (input.restreamTargets !== undefined) set.restreamTargets = targetsOf(input.restreamTargets);
  if (input.guestChat) set.guestChat = input.guestChat;
  const unset: 'guestChat'[] = input.guestChat === null ? ['guestChat'] : [];
  const changes = [...Object.keys(set), ...unset];
  if (changes.length === 0) throw Invalid('validation_failed', 'Nothing to change.');
  const doc = await repo(ctx).updateOne(
    { id: streamId },
    { set: { ...set, updatedAt: ctx.clock.now().toISOString() }, ...(unset.length ? { unset } : {}) },
  );
  await ctx.events.publish(ctx.appId, 'stream.updated', { streamId, changes });
  return doc!;
}

export async function deleteStream(ctx: AppCtx, streamId: string) {
  await findStream(ctx, streamId);
  await repo(ctx).deleteOne({ id: streamId });
  await ctx.events.publish(ctx.appId, 'stream.deleted', { streamId });
}

/** A new key; the old one stops working at once and a live session on it is cut by the edge. */
export async function resetStreamKey(ctx: AppCtx, streamId: string) {
  await findStream(ctx, streamId);
  const doc = await repo(ctx).updateOne(
    { id: streamId },
    { set: { streamKey: newStreamKey(), updatedAt: ctx.clock.now().toISOString() } },
  );
  await ctx.events.publish(ctx.appId, 'stream.updated', { streamId, changes: ['streamKey'] });
  return doc!;
}

export async function setStreamEnabled(ctx: AppCtx, streamId: string, enabled: boolean) {
  await findStream(ctx, streamId);
  const doc = await repo(ctx).updateOne(
    { id: streamId },
    { set: { enabled, updatedAt: ctx.clock.now().toISOString() } },
  );
  await ctx.events.publish(ctx.appId, 'stream.updated', { streamId, changes: ['enabled'] });
  return doc!;
}

export async function createPlaybackToken(
  ctx: AppCtx,
  box: SecretBox,
  urls: StreamUrls,
  streamId: string,
  input: { ttlSeconds: number; viewerId?: string | undefined },
) {
  const stream = await findStream(ctx, streamId);
  const { token, expiresAt } = await mintPlaybackToken(ctx, box, { playbackId: stream.playbackId, ...input });
  return { token, expiresAt, url: `${hlsUrlOf(urls, stream.playbackId)}?token=${encodeURIComponent(token)}` };
}
