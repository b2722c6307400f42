// The edge's client of the control plane's internal API (/internal/edge/*): every request signed with the edge
// secret (and the previous one during a rotation).
import { EDGE_SIGNATURE_HEADER, signEdgeRequest } from '@beamline/core';
import { request } from 'undici';
import { z } from 'zod';

const Rendition = z.object({
  name: z.string(),
  height: z.number(),
  videoBitrateKbps: z.number(),
  fps: z.number(),
  audioBitrateKbps: z.number(),
});

const Allow = z.object({
  allow: z.literal(true),
  sessionId: z.string(),
  resumed: z.boolean(),
  streamId: z.string(),
  appId: z.string(),
  playbackId: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  playbackPolicy: z.enum(['public', 'signed']),
  latencyMode: z.enum(['standard', 'low']),
  record: z.boolean(),
  recordingId: z.string().nullable(),
  reconnectWindowSeconds: z.number(),
  restreamTargets: z.array(z.object({ id: z.string(), url: z.string(), streamKey: z.string() })),
  profile: z.object({
    renditions: z.array(Rendition),
    passthrough: z.boolean(),
    segmentSeconds: z.number(),
    encoder: z.enum(['libx264', 'h264_nvenc', 'h264_vaapi', 'h264_qsv']),
    preset: z.string(),
  }),
});
const Deny = z.object({ allow: z.literal(false), reason: z.string() });
const Decision = z.union([Allow, Deny]);
export type PublishAllow = z.infer<typeof Allow>;
export type PublishDecision = z.infer<typeof Decision>;

const Playback = z.object({
  playbackId: z.string(),
  appId: z.string(),
  streamId: z.string(),
  playbackPolicy: z.enum(['public', 'signed']),
  keys: z.array(z.object({ key: z.string(), secrets: z.array(z.string()) })),
});
export type PlaybackInfo = z.infer<typeof Playback>;

const StatsAnswer = z.object({ continue: z.boolean(), reason: z.string().optional() });

export interface RecordingSummary {
  status: 'ready' | 'failed';
  durationSeconds: number;
  sizeBytes: number;
  renditions: { name: string; width?: number; height?: number; bandwidth?: number }[];
}

export type LifecycleReport =
  | { type: 'started'; sessionId: string; resumed: boolean; edgeUrl: string }
  | { type: 'disconnected'; sessionId: string }
  | { type: 'ended'; sessionId: string; reason: string; recording?: RecordingSummary }
  | { type: 'error'; sessionId: string; reason: string }
  | { type: 'quality_drop'; sessionId: string; speed?: number; reason: string };

export interface StatsReport {
  sessionId: string;
  ingest?: {
    videoCodec?: string;
    audioCodec?: string;
    width?: number;
    height?: number;
    fps?: number;
    bitrateKbps?: number;
    speed?: number;
  };
  restream?: Record<string, { status: 'connecting' | 'active' | 'failed' | 'stopped'; error?: string }>;
}

export interface UsageRow {
  streamId: string;
  viewers: number;
  bytes: number;
  viewerSeconds: number;
  ingestSeconds: number;
  renditions: number;
}

/** One interval of usage; `edgeId` and `seq` make it idempotent on the control plane. */
export interface UsageReport {
  edgeId: string;
  seq: number;
  from: number;
  to: number;
  streams: UsageRow[];
}

export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ControlPlaneClient {
  constructor(
    private readonly baseUrl: string,
    private readonly secrets: readonly string[],
  ) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 3_000): Promise<unknown> {
    const text = body === undefined ? null : JSON.stringify(body);
    const res = await request(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        [EDGE_SIGNATURE_HEADER]: signEdgeRequest(this.secrets, { method, path, body: text }),
        ...(text === null ? {} : { 'content-type': 'application/json' }),
      },
      body: text,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const answer = await res.body.text();
    if (res.statusCode >= 300)
      throw new ControlPlaneError(res.statusCode, `${method} ${path}: ${res.statusCode} ${answer.slice(0, 200)}`);
    return answer ? (JSON.parse(answer) as unknown) : null;
  }

  async publishAuth(streamKey: string): Promise<PublishDecision> {
    return Decision.parse(await this.call('POST', '/internal/edge/publish-auth', { streamKey }, 2_000));
  }

  async lifecycle(streamId: string, report: LifecycleReport): Promise<void> {
    await this.call('POST', `/internal/edge/streams/${streamId}/lifecycle`, report);
  }

  async stats(streamId: string, report: StatsReport): Promise<{ continue: boolean; reason?: string | undefined }> {
    return StatsAnswer.parse(await this.call('POST', `/internal/edge/streams/${streamId}/stats`, report));
  }

  /** null when the control plane knows no such playback id. */
  async playback(playbackId: string): Promise<PlaybackInfo | null> {
    try {
      return Playback.parse(await this.call('GET', `/internal/edge/playback/${playbackId}`));
    } catch (err) {
      if (err instanceof ControlPlaneError && err.status === 404) return null;
      throw err;
    }
  }

  async usage(report: UsageReport): Promise<void> {
    await this.call('POST', '/internal/edge/usage', report);
  }
}
