// Wire schemas of streams, transcoding profiles and recordings: they validate requests and write the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { GUEST_CHAT_MODES } from '@beamline/protocol';
import { text } from '../http/schemas';
import { Rendition, VIDEO_ENCODERS } from '@beamline/protocol/edge';
import { X264_PRESETS } from './repo';

const rtmpUrl = z
  .string()
  .max(500)
  .regex(/^rtmps?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an rtmp:// or rtmps:// URL')
  .openapi({ example: 'rtmp://a.rtmp.youtube.com/live2' });

const GUEST_CHAT_DESCRIPTION =
  'Guests of the hosted player page: chat (may write), read (read only) or off (no guest chat; only end users ' +
  "signed in by your backend). Absent: chat for a public stream when the app's branding allows guest chat, else off.";

const SECRET_FOR_EDITORS =
  'Shown only to callers who may change the stream (editors and up, API keys); absent for viewers.';

export const RestreamTargetInput = z.strictObject({
  url: rtmpUrl,
  streamKey: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^\s]+$/, 'must not contain spaces'),
  enabled: z.boolean().optional(),
});

export const StreamInputSchema = z.strictObject({
  name: text(200),
  profileId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: 'A transcoding profile id; "default" if absent.' }),
  latencyMode: z
    .enum(['standard', 'low'])
    .optional()
    .openapi({ description: 'low: 0.5 s segments; players stay about 1 s behind the live edge.' }),
  playbackPolicy: z
    .enum(['public', 'signed'])
    .optional()
    .openapi({ description: 'signed: every HLS request needs a playback token.' }),
  record: z.boolean().optional(),
  reconnectWindowSeconds: z
    .number()
    .int()
    .min(0)
    .max(600)
    .optional()
    .openapi({ description: 'How long a disconnected publisher may come back to the same live session (default 60).' }),
  restreamTargets: z.array(RestreamTargetInput).max(10).optional(),
  guestChat: z.enum(GUEST_CHAT_MODES).optional().openapi({ description: GUEST_CHAT_DESCRIPTION }),
});
export const StreamUpdateSchema = StreamInputSchema.partial().extend({
  guestChat: z
    .enum(GUEST_CHAT_MODES)
    .nullable()
    .optional()
    .openapi({ description: `${GUEST_CHAT_DESCRIPTION} null: back to the app's default.` }),
});

export const StreamSchema = z
  .object({
    id: z.string().openapi({ example: 'str_0123456789abcdefghij' }),
    name: z.string(),
    streamKey: z
      .string()
      .optional()
      .openapi({ description: `Secret: whoever holds it can publish. ${SECRET_FOR_EDITORS}` }),
    playbackId: z.string(),
    playbackPolicy: z.enum(['public', 'signed']),
    latencyMode: z.enum(['standard', 'low']),
    profileId: z.string(),
    record: z.boolean(),
    reconnectWindowSeconds: z.number(),
    guestChat: z
      .enum(GUEST_CHAT_MODES)
      .nullable()
      .openapi({ description: `${GUEST_CHAT_DESCRIPTION} null: not set, the app's default applies.` }),
    enabled: z.boolean(),
    status: z.enum(['idle', 'live', 'disconnected', 'disabled']),
    rtmpUrl: z.string().openapi({ description: 'The RTMP server URL for OBS.' }),
    publishUrl: z
      .string()
      .optional()
      .openapi({ description: `rtmpUrl/streamKey, for tools that take one URL. ${SECRET_FOR_EDITORS}` }),
    hlsUrl: z.string(),
    thumbnailUrl: z.string(),
    restreamTargets: z.array(
      z.object({
        id: z.string(),
        url: z.string().openapi({ description: 'For viewers: without credentials or query string.' }),
        streamKey: z
          .string()
          .optional()
          .openapi({ description: `The destination's key. ${SECRET_FOR_EDITORS}` }),
        enabled: z.boolean(),
        status: z.enum(['connecting', 'active', 'failed', 'stopped']),
        error: z.string().nullable(),
      }),
    ),
    ingest: z
      .object({
        videoCodec: z.string().optional(),
        audioCodec: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        fps: z.number().optional(),
        bitrateKbps: z.number().optional(),
        speed: z.number().optional(),
        updatedAt: z.string(),
      })
      .nullable(),
    viewers: z.number(),
    liveStartedAt: z.string().nullable(),
    lastEndedAt: z.string().nullable(),
    publishRefusal: z
      .object({ reason: z.string(), message: z.string(), at: z.string() })
      .nullable()
      .openapi({ description: 'Why the last publish was refused (e.g. over_quota); null once a publish starts.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Stream');

/** A rung as a profile's author gives it: name, fps and audio bitrate have defaults. */
const RenditionInput = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/)
    .optional()
    .openapi({ description: 'Defaults to "{height}p".' }),
  height: z.number().int().min(144).max(2160),
  videoBitrateKbps: z.number().int().min(100).max(50_000),
  fps: z.number().int().min(10).max(60).optional(),
  audioBitrateKbps: z.number().int().min(32).max(320).optional(),
});

export const ProfileInputSchema = z.strictObject({
  name: text(100),
  renditions: z.array(RenditionInput).max(6),
  passthrough: z.boolean().optional().openapi({ description: 'Offer the source, unchanged, as the top rendition.' }),
  segmentSeconds: z.number().min(0.5).max(10).optional(),
  encoder: z.enum(VIDEO_ENCODERS).optional(),
  preset: z.enum(X264_PRESETS).optional().openapi({ description: 'x264 preset (ignored by hardware encoders).' }),
});

export const ProfileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    renditions: z.array(Rendition),
    passthrough: z.boolean(),
    segmentSeconds: z.number(),
    encoder: z.enum(VIDEO_ENCODERS),
    preset: z.string(),
    builtIn: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TranscodingProfile');

export const RecordingSchema = z
  .object({
    id: z.string(),
    streamId: z.string(),
    status: z.enum(['recording', 'ready', 'failed']),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    sizeBytes: z.number().nullable(),
    renditions: z.array(
      z.object({
        name: z.string(),
        width: z.number().optional(),
        height: z.number().optional(),
        bandwidth: z.number().optional(),
      }),
    ),
    hlsUrl: z.string(),
    thumbnailUrl: z.string(),
    createdAt: z.string(),
  })
  .openapi('Recording');

export const PlaybackTokenInput = z.strictObject({
  ttlSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .default(3600),
  viewerId: z.string().min(1).max(128).optional(),
});
