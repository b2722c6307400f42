// The edge ↔ control-plane API (/internal/edge/*): the control plane validates requests and the edge its answers
// with these schemas, so both sides change together. Requests are signed as core/src/edge-signature.ts says.
import { z } from 'zod';

/** The video encoders a transcoding profile may name (one small ffmpeg interface each on the edge). */
export const VIDEO_ENCODERS = ['libx264', 'h264_nvenc', 'h264_vaapi', 'h264_qsv'] as const;
export type VideoEncoderName = (typeof VIDEO_ENCODERS)[number];

/** One rung of a transcoding ladder, as stored and as sent to the edge (defaults filled in). */
export const Rendition = z.object({
  name: z.string(),
  height: z.number(),
  videoBitrateKbps: z.number(),
  fps: z.number(),
  audioBitrateKbps: z.number(),
});
export type Rendition = z.infer<typeof Rendition>;

export const PLAYBACK_POLICIES = ['public', 'signed'] as const;
export type PlaybackPolicy = (typeof PLAYBACK_POLICIES)[number];
export const LATENCY_MODES = ['standard', 'low'] as const;
export type LatencyMode = (typeof LATENCY_MODES)[number];
export const RESTREAM_STATES = ['connecting', 'active', 'failed', 'stopped'] as const;
export type RestreamState = (typeof RESTREAM_STATES)[number];

/** An id in a path or report: streams, sessions, playback ids, edges. */
export const EdgeApiId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

// POST /internal/edge/publish-auth

export const PublishAuthRequest = z.object({ streamKey: z.string().min(1).max(200) });
export type PublishAuthRequest = z.infer<typeof PublishAuthRequest>;

/** What the edge encodes a live stream into. */
export const EdgeProfile = z.object({
  id: z.string(),
  renditions: z.array(Rendition),
  /** The source, unchanged, as the top rendition (named "source"). */
  passthrough: z.boolean(),
  segmentSeconds: z.number(),
  encoder: z.enum(VIDEO_ENCODERS),
  preset: z.string(),
});
export type EdgeProfile = z.infer<typeof EdgeProfile>;

export const PublishAllow = z.object({
  allow: z.literal(true),
  sessionId: z.string(),
  resumed: z.boolean(),
  streamId: z.string(),
  appId: z.string(),
  playbackId: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  playbackPolicy: z.enum(PLAYBACK_POLICIES),
  latencyMode: z.enum(LATENCY_MODES),
  record: z.boolean(),
  recordingId: z.string().nullable(),
  reconnectWindowSeconds: z.number(),
  restreamTargets: z.array(z.object({ id: z.string(), url: z.string(), streamKey: z.string() })),
  profile: EdgeProfile,
});
export type PublishAllow = z.infer<typeof PublishAllow>;

export const PUBLISH_DENY_REASONS = ['unknown_key', 'disabled', 'already_live', 'over_quota'] as const;
export type PublishDenyReason = (typeof PUBLISH_DENY_REASONS)[number];
// the edge reads any reason (a newer control plane may add one); the control plane sends only the known ones
export const PublishDeny = z.object({ allow: z.literal(false), reason: z.string() });
export type PublishDeny = z.infer<typeof PublishDeny>;
export const PublishDecision = z.union([PublishAllow, PublishDeny]);
export type PublishDecision = z.infer<typeof PublishDecision>;

// POST /internal/edge/streams/{streamId}/lifecycle

export const RecordingRendition = z.object({
  name: z.string().max(64),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  bandwidth: z.number().int().optional(),
});
export type RecordingRendition = z.infer<typeof RecordingRendition>;

/** A finished recording, as the edge finalised it. */
export const RecordingSummary = z.object({
  status: z.enum(['ready', 'failed']),
  durationSeconds: z.number().min(0),
  sizeBytes: z.number().int().min(0),
  renditions: z.array(RecordingRendition).max(16),
});
export type RecordingSummary = z.infer<typeof RecordingSummary>;

export const LifecycleReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), sessionId: EdgeApiId, resumed: z.boolean(), edgeUrl: z.string().max(500) }),
  z.object({ type: z.literal('disconnected'), sessionId: EdgeApiId }),
  z.object({
    type: z.literal('ended'),
    sessionId: EdgeApiId,
    reason: z.string().max(200),
    recording: RecordingSummary.optional(),
  }),
  z.object({ type: z.literal('error'), sessionId: EdgeApiId, reason: z.string().max(500) }),
  z.object({
    type: z.literal('quality_drop'),
    sessionId: EdgeApiId,
    speed: z.number().optional(),
    reason: z.string().max(200),
  }),
]);
export type LifecycleReport = z.infer<typeof LifecycleReport>;

// POST /internal/edge/streams/{streamId}/stats

export const IngestStats = z.object({
  videoCodec: z.string().max(32).optional(),
  audioCodec: z.string().max(32).optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  fps: z.number().optional(),
  bitrateKbps: z.number().optional(),
  speed: z.number().optional(),
});
export type IngestStats = z.infer<typeof IngestStats>;

export const RestreamReport = z.object({
  status: z.enum(RESTREAM_STATES),
  error: z.string().max(500).optional(),
});
export type RestreamReport = z.infer<typeof RestreamReport>;

/** A heartbeat of a live session. */
export const StatsReport = z.object({
  sessionId: EdgeApiId,
  ingest: IngestStats.optional(),
  /** Per restream target id. */
  restream: z.record(z.string().max(64), RestreamReport).optional(),
});
export type StatsReport = z.infer<typeof StatsReport>;

/** Whether the session may go on: not when its key was reset, the stream disabled or the session taken over. */
export const StatsAnswer = z.object({ continue: z.boolean(), reason: z.string().optional() });
export type StatsAnswer = z.infer<typeof StatsAnswer>;

// GET /internal/edge/playback/{playbackId}

/** What the edge needs to check playback tokens of one playback id: the policy and the app's usable key secrets. */
export const PlaybackInfo = z.object({
  playbackId: z.string(),
  appId: z.string(),
  streamId: z.string(),
  playbackPolicy: z.enum(PLAYBACK_POLICIES),
  keys: z.array(z.object({ key: z.string(), secrets: z.array(z.string()) })),
});
export type PlaybackInfo = z.infer<typeof PlaybackInfo>;

// POST /internal/edge/usage

export const UsageRow = z.object({
  streamId: EdgeApiId,
  /** Viewers seen within the last 30 s at the end of the interval. */
  viewers: z.number().int().min(0),
  /** Bytes of playlists and segments served in the interval. */
  bytes: z.number().int().min(0),
  /** Seconds watched in the interval, summed over viewers. */
  viewerSeconds: z.number().min(0).max(1e9),
  /** Seconds the stream was being ingested in the interval. */
  ingestSeconds: z.number().min(0).max(86_400),
  /** Renditions the edge transcodes for the stream. */
  renditions: z.number().int().min(0).max(32),
});
export type UsageRow = z.infer<typeof UsageRow>;

/** One interval of usage, as an edge sends it; `edgeId` and `seq` make it idempotent on the control plane. */
export const UsageReport = z.object({
  /** The reporting edge process; with `seq` the idempotency key of the report. */
  edgeId: EdgeApiId,
  seq: z.number().int().min(0),
  /** The interval the report covers (epoch ms, edge clock). */
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  streams: z.array(UsageRow).max(10_000),
});
export type UsageReport = z.infer<typeof UsageReport>;

/** What the control plane accepts: an older edge's report has no idempotency key, interval or per-stream meters. */
export const AcceptedUsageReport = UsageReport.partial({ edgeId: true, seq: true, from: true, to: true }).extend({
  streams: z.array(UsageRow.partial({ viewerSeconds: true, ingestSeconds: true, renditions: true })).max(10_000),
});
export type AcceptedUsageReport = z.infer<typeof AcceptedUsageReport>;

/** The acknowledgement of a report. */
export const EdgeOk = z.object({ ok: z.literal(true) });
