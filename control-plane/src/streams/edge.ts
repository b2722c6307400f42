// The control plane's side of the edge: publish admission, session lifecycle, stats and usage reports.
// Every report names the session the edge was admitted with; reports of any other session change nothing.
import { findActiveApiKey, type SecretBox } from '@beamline/core';
import { newId, randomToken } from '@beamline/protocol';
import type {
  AcceptedUsageReport,
  LifecycleReport,
  PlaybackInfo,
  PublishDecision,
  PublishDenyReason,
  StatsAnswer,
  StatsReport,
} from '@beamline/protocol/edge';
import type { AppCtx, Ctx } from '../context';
import { Conflict, NotFound } from '../errors';
import { resolveProfile } from './profiles';
import { streamRepos, type StreamDoc } from './repo';

/** A session whose edge has not reported for this long is presumed dead and may be taken over. */
export const SESSION_STALE_MS = 20_000;

export type DenyReason = PublishDenyReason;

const appCtx = (ctx: Ctx, appId: string): AppCtx => ({ ...ctx, appId });

/** A plan check of a new publish (concurrent streams); a reason refuses it. */
export type PublishAdmission = (ctx: Ctx, stream: StreamDoc) => Promise<DenyReason | null>;

export async function publishAuth(
  ctx: Ctx,
  input: { streamKey: string },
  admit?: PublishAdmission,
): Promise<PublishDecision> {
  const lookup = streamRepos(ctx.store);
  const deny = (reason: DenyReason) => ({ allow: false as const, reason });
  const stream = await lookup.streams.findOne({ streamKey: input.streamKey });
  if (!stream) return deny('unknown_key');
  const app = await ctx.repos.apps.findOne({ id: stream.appId });
  if (!stream.enabled || !app || app.status !== 'active') return deny('disabled');
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const streams = lookup.forApp(stream.appId).streams;

  let claimed: StreamDoc | null = null;
  let resumed = false;
  const windowOpen =
    stream.state === 'disconnected' &&
    stream.disconnectedAt !== undefined &&
    now.getTime() - Date.parse(stream.disconnectedAt) <= stream.reconnectWindowSeconds * 1000;
  if (stream.liveSessionId && windowOpen) {
    claimed = await streams.updateOne(
      { id: stream.id, liveSessionId: stream.liveSessionId, state: 'disconnected', streamKey: input.streamKey },
      { set: { lastSeenAt: nowIso } },
    );
    resumed = claimed !== null;
  } else {
    const stale = !stream.lastSeenAt || now.getTime() - Date.parse(stream.lastSeenAt) > SESSION_STALE_MS;
    if (stream.liveSessionId && !stale && stream.state !== 'disconnected') return deny('already_live');
    const refused = admit ? await admit(ctx, stream) : null;
    if (refused) return deny(refused);
    const recordingId = stream.record ? newId('recording') : undefined;
    claimed = await streams.updateOne(
      {
        id: stream.id,
        streamKey: input.streamKey,
        ...(stream.liveSessionId ? { liveSessionId: stream.liveSessionId } : { liveSessionId: { $exists: false } }),
      },
      {
        set: {
          liveSessionId: `ses_${randomToken(20)}`,
          liveSessionKey: input.streamKey,
          lastSeenAt: nowIso,
          ...(recordingId ? { liveRecordingId: recordingId } : {}),
        },
        unset: ['disconnectedAt', ...(recordingId ? [] : ['liveRecordingId' as const])],
      },
    );
  }
  if (!claimed) return deny('already_live');
  const profile = await resolveProfile(appCtx(ctx, stream.appId), claimed.profileId);
  return {
    allow: true as const,
    sessionId: claimed.liveSessionId!,
    resumed,
    streamId: claimed.id,
    appId: claimed.appId,
    playbackId: claimed.playbackId,
    playbackPolicy: claimed.playbackPolicy,
    latencyMode: claimed.latencyMode,
    record: claimed.record,
    recordingId: claimed.liveRecordingId ?? null,
    reconnectWindowSeconds: claimed.reconnectWindowSeconds,
    restreamTargets: claimed.restreamTargets.filter((t) => t.enabled),
    profile: {
      id: profile.id,
      renditions: profile.renditions,
      passthrough: profile.passthrough,
      segmentSeconds: profile.segmentSeconds,
      encoder: profile.encoder,
      preset: profile.preset,
    },
  };
}

async function sessionStream(ctx: Ctx, streamId: string, sessionId: string) {
  const stream = await streamRepos(ctx.store).streams.findOne({ id: streamId, liveSessionId: sessionId });
  if (!stream) throw Conflict('stale_session', 'This publish session is not the stream’s current one.');
  return stream;
}

export async function reportLifecycle(ctx: Ctx, streamId: string, report: LifecycleReport) {
  const stream = await sessionStream(ctx, streamId, report.sessionId);
  const repos = streamRepos(ctx.store).forApp(stream.appId);
  const match = { id: streamId, liveSessionId: report.sessionId };
  const now = ctx.clock.now().toISOString();
  const publish = ctx.events.publish;
  switch (report.type) {
    case 'started': {
      const fresh = !report.resumed || !stream.liveStartedAt;
      await repos.streams.updateOne(match, {
        set: { state: 'live', lastSeenAt: now, ...(fresh ? { liveStartedAt: now } : {}) },
        unset: ['disconnectedAt', 'publishRefusal'],
      });
      if (fresh) {
        await publish(stream.appId, 'stream.live', { streamId, playbackId: stream.playbackId, startedAt: now });
        if (stream.liveRecordingId) {
          await repos.recordings.insert({
            id: stream.liveRecordingId,
            streamId,
            playbackId: stream.playbackId,
            status: 'recording',
            startedAt: now,
            edgeUrl: report.edgeUrl,
            createdAt: now,
          });
          await publish(stream.appId, 'recording.started', { streamId, recordingId: stream.liveRecordingId });
        }
      }
      return;
    }
    case 'disconnected':
      await repos.streams.updateOne(match, { set: { state: 'disconnected', disconnectedAt: now, lastSeenAt: now } });
      return;
    case 'ended': {
      await repos.streams.updateOne(match, {
        set: { state: 'idle', lastEndedAt: now, viewers: 0 },
        unset: [
          'liveSessionId',
          'liveSessionKey',
          'liveRecordingId',
          'disconnectedAt',
          'ingest',
          'restreamStatus',
          'liveStartedAt',
        ],
      });
      const started = stream.liveStartedAt ? Date.parse(stream.liveStartedAt) : Date.parse(now);
      await publish(stream.appId, 'stream.offline', {
        streamId,
        playbackId: stream.playbackId,
        endedAt: now,
        durationSeconds: Math.max(0, Math.round((Date.parse(now) - started) / 1000)),
      });
      if (stream.liveRecordingId && report.recording) {
        const rec = await repos.recordings.updateOne(
          { id: stream.liveRecordingId },
          {
            set: {
              status: report.recording.status,
              endedAt: now,
              durationSeconds: report.recording.durationSeconds,
              sizeBytes: report.recording.sizeBytes,
              renditions: report.recording.renditions,
            },
          },
        );
        if (rec?.status === 'ready')
          await publish(stream.appId, 'recording.ready', {
            streamId,
            recordingId: rec.id,
            durationSeconds: report.recording.durationSeconds,
          });
      }
      return;
    }
    case 'error':
      await publish(stream.appId, 'stream.error', { streamId, reason: report.reason });
      return;
    case 'quality_drop':
      await publish(stream.appId, 'health.quality.drop', {
        streamId,
        reason: report.reason,
        ...(report.speed !== undefined ? { speed: report.speed } : {}),
      });
      return;
  }
}

/** A heartbeat of a live session; the answer tells the edge to cut it when the key was reset or the stream disabled. */
export async function reportStats(ctx: Ctx, streamId: string, input: StatsReport): Promise<StatsAnswer> {
  const stream = await streamRepos(ctx.store).streams.findOne({ id: streamId, liveSessionId: input.sessionId });
  if (!stream) return { continue: false, reason: 'stale_session' };
  const now = ctx.clock.now().toISOString();
  const restreamStatus = input.restream
    ? Object.fromEntries(Object.entries(input.restream).map(([id, s]) => [id, { ...s, updatedAt: now }]))
    : stream.restreamStatus;
  await streamRepos(ctx.store)
    .forApp(stream.appId)
    .streams.updateOne(
      { id: streamId, liveSessionId: input.sessionId },
      {
        set: {
          lastSeenAt: now,
          ...(input.ingest ? { ingest: { ...input.ingest, updatedAt: now } } : {}),
          ...(restreamStatus ? { restreamStatus } : {}),
        },
      },
    );
  if (!stream.enabled) return { continue: false, reason: 'disabled' };
  if (stream.streamKey !== stream.liveSessionKey) return { continue: false, reason: 'key_reset' };
  return { continue: true };
}

/** What the edge needs to check playback tokens of one playback id: the policy and the app's usable key secrets. */
export async function playbackInfo(ctx: Ctx, box: SecretBox, playbackId: string): Promise<PlaybackInfo> {
  const lookup = streamRepos(ctx.store);
  const stream = await lookup.streams.findOne({ playbackId });
  const recording = stream ? null : await lookup.recordings.findOne({ playbackId });
  const appId = stream?.appId ?? recording?.appId;
  if (!appId) throw NotFound('playback_not_found', 'No stream or recording with that playback id.');
  const policy = stream?.playbackPolicy ?? 'signed';
  const keys: { key: string; secrets: string[] }[] = [];
  if (policy === 'signed') {
    const docs = await ctx.repos.forApp(appId).apiKeys.find({ revokedAt: { $exists: false } });
    for (const doc of docs) {
      const active = await findActiveApiKey(ctx.store, box, doc.key, ctx.clock.now());
      if (active) keys.push({ key: active.key, secrets: active.secrets });
    }
  }
  return { playbackId, appId, streamId: stream?.id ?? recording!.streamId, playbackPolicy: policy, keys };
}

/** Viewer counts and bytes served per stream; a changed count becomes a viewer.count.update event. */
export async function reportUsage(ctx: Ctx, input: Pick<AcceptedUsageReport, 'streams'>) {
  const lookup = streamRepos(ctx.store);
  for (const row of input.streams) {
    const stream = await lookup.streams.findOne({ id: row.streamId });
    if (!stream) continue;
    await lookup
      .forApp(stream.appId)
      .streams.updateOne({ id: stream.id }, { set: { viewers: row.viewers }, inc: { bytesServed: row.bytes } });
    if ((stream.viewers ?? 0) !== row.viewers)
      await ctx.events.publish(stream.appId, 'viewer.count.update', { streamId: stream.id, viewers: row.viewers });
  }
}
