// The media edge as a service: RTMP ingest gated by the control plane's key check, live streams, HLS delivery,
// usage reports and disk cleanup. Built from its config by main.ts or by the all-in-one root.
import { createEdgeVerifier, edgeSecrets, memorySeenNonces, type Logger, type Metrics } from '@beamline/core';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import type { MediaEdgeConfig } from './config';
import { ControlPlaneClient } from './control-plane';
import { PlaybackAccess } from './hls/access';
import { HotFiles } from './hls/files';
import { createHlsServer, type RecordingMeta } from './hls/server';
import { createHlsLimits } from './hls/limits';
import { ViewerIds } from './hls/viewer-ids';
import { ViewerMeter } from './hls/viewers';
import { startRtmpIngest, type PublisherSession, type RtmpIngest } from './ingest/rtmp';
import { LiveStream, type LiveEvent } from './live/live-stream';
import { UsageReporter } from './usage/reporter';
import { createEdgeOps } from './ops';

export interface EdgeEvents {
  /** A publish was refused; `ms` from the publish request to the connection being closed. */
  refused: { reason: string; ms: number };
  live: Extract<LiveEvent, { type: 'live' }>;
  disconnected: Extract<LiveEvent, { type: 'disconnected' }>;
  ended: Extract<LiveEvent, { type: 'ended' }>;
  quality_drop: Extract<LiveEvent, { type: 'quality_drop' }>;
}

export interface MediaEdge {
  rtmpPort: number;
  hlsPort: number;
  events: EventEmitter;
  /** Live sessions on this edge by stream id (for tests and health). */
  live: ReadonlyMap<string, LiveStream>;
  /** Answers /readyz with 503 from now on while still serving (the first step of a graceful stop). */
  drain(): void;
  /** Closes the usage interval now and sends every queued report, as the USAGE_INTERVAL_MS timer does. */
  reportUsage(): Promise<void>;
  /** Stops ingest, ends live sessions (publishers are disconnected, recordings finalised), then closes HLS. */
  close(): Promise<void>;
}

/** Runs `ffmpeg -formats/-encoders` once so the first publish does not pay for fluent-ffmpeg's capability check. */
function warmUp(ffmpegPath: string): Promise<void> {
  const cmd = ffmpeg().setFfmpegPath(ffmpegPath);
  return new Promise((resolve, reject) =>
    cmd.availableFormats((err) => (err ? reject(err) : cmd.availableEncoders((e) => (e ? reject(e) : resolve())))),
  );
}

/** What the edge is built from: its main.ts or the all-in-one root fills it once. */
export interface MediaEdgeDeps {
  config: MediaEdgeConfig;
  log: Logger;
  /** Prometheus series of this process; absent, the edge keeps no metrics. */
  metrics?: Metrics;
}

export async function createMediaEdge(deps: MediaEdgeDeps): Promise<MediaEdge> {
  const { config, log } = deps;
  const mediaDir = config.MEDIA_DIR ?? join(config.DATA_DIR, 'media');
  await mkdir(join(mediaDir, 'live'), { recursive: true });
  await mkdir(join(mediaDir, 'recordings'), { recursive: true });
  try {
    await warmUp(config.FFMPEG_PATH);
  } catch (err) {
    throw new Error(`ffmpeg is not usable at "${config.FFMPEG_PATH}" (set FFMPEG_PATH): ${String(err)}`);
  }
  const secrets = edgeSecrets(config);
  const cp = new ControlPlaneClient(config.CONTROL_PLANE_URL, secrets);
  const files = new HotFiles(config.HLS_CACHE_MB * 1024 * 1024, { maxIdleMs: config.HLS_CACHE_IDLE_SECONDS * 1000 });
  const access = new PlaybackAccess(cp, config.PLAYBACK_CACHE_SECONDS * 1000, log);
  const viewers = new ViewerMeter(30_000, config.HLS_VIEWERS_PER_STREAM_MAX);
  const events = new EventEmitter();
  const streams = new Map<string, LiveStream>();
  const edgeUrl = config.EDGE_URL ?? `http://127.0.0.1:${config.HLS_PORT}`;
  const { metrics } = deps;
  const ops = createEdgeOps(metrics);
  metrics?.gauge(
    'beamline_live_streams',
    'Live sessions on this edge (publishing or within their reconnect window).',
    () => [...streams.values()].filter((s) => s.state !== 'ended').length,
  );
  metrics?.gauge('beamline_ffmpeg_processes', 'ffmpeg processes running on this edge (ladders and restreams).', () =>
    [...streams.values()].reduce((n, s) => n + s.ffmpegProcesses, 0),
  );

  const liveByPlayback = (playbackId: string) =>
    [...streams.values()].some((s) => s.decision.playbackId === playbackId && s.state !== 'ended');

  const reporter = new UsageReporter(cp, viewers, log);
  const onEvent = (event: LiveEvent) => {
    if (event.type === 'live') reporter.live(event.streamId);
    if (event.type === 'disconnected' || event.type === 'ended') reporter.stopped(event.streamId);
    if (event.type === 'ended') {
      const current = streams.get(event.streamId);
      if (current?.state === 'ended') streams.delete(event.streamId);
    }
    events.emit(event.type, event);
  };

  async function handlePublish(session: PublisherSession, streamKey: string) {
    const startedAt = Date.now();
    const refuse = (reason: string) => {
      session.socket.destroy();
      const ms = Date.now() - startedAt;
      log.info({ reason, ms, ip: session.ip }, 'publish refused');
      events.emit('refused', { reason, ms });
    };
    let decision;
    try {
      decision = await cp.publishAuth(streamKey);
    } catch (err) {
      log.error({ err }, 'publish check failed');
      return refuse('unavailable');
    }
    if (!decision.allow) return refuse(decision.reason);
    const existing = streams.get(decision.streamId);
    if (session.socket.destroyed) {
      // the publisher left during the check: release a fresh claim; a resumed one keeps its window
      if (!decision.resumed)
        await cp
          .lifecycle(decision.streamId, { type: 'ended', sessionId: decision.sessionId, reason: 'publisher_left' })
          .catch(() => undefined);
      return;
    }
    let live = existing;
    if (live && (live.sessionId !== decision.sessionId || live.state === 'ended')) {
      await live.finish('replaced');
      live = undefined;
    }
    if (!live) {
      live = new LiveStream(
        {
          cp,
          files,
          log,
          mediaDir,
          ffmpegPath: config.FFMPEG_PATH,
          edgeUrl,
          statsIntervalMs: config.STATS_INTERVAL_MS,
          liveFilesGraceMs: config.LIVE_FILES_GRACE_SECONDS * 1000,
          restreamPolicy: { kind: 'restream', allowedHosts: config.RESTREAM_ALLOWED_HOSTS },
          minFreeBytes: config.MIN_FREE_DISK_MB * 1024 * 1024,
          isLive: liveByPlayback,
          onEvent,
          ...(metrics ? { onSpeed: (speed: number) => metrics.ffmpegSpeed.observe(speed) } : {}),
        },
        decision,
      );
      streams.set(decision.streamId, live);
    } else live.decision = decision;
    live.attach(session, decision.resumed, startedAt).catch((err: unknown) => {
      log.error({ err, streamId: decision.streamId }, 'starting the live stream failed');
      void live.cut('start_failed');
    });
  }

  const ingest: RtmpIngest = await startRtmpIngest({
    port: config.RTMP_PORT,
    host: config.HOST,
    log,
    handlers: { onPublish: (session, key) => void handlePublish(session, key) },
  });

  const recordingMetas = new Map<string, RecordingMeta | null>();
  const recordingMeta = async (recordingId: string): Promise<RecordingMeta | null> => {
    if (recordingMetas.has(recordingId)) return recordingMetas.get(recordingId)!;
    const file = join(mediaDir, 'recordings', recordingId, 'meta.json');
    const meta = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as RecordingMeta) : null;
    if (meta) recordingMetas.set(recordingId, meta);
    return meta;
  };
  const deleteRecording = async (recordingId: string) => {
    const dir = join(mediaDir, 'recordings', recordingId);
    if (!existsSync(dir)) return false;
    recordingMetas.delete(recordingId);
    files.invalidate(dir);
    await rm(dir, { recursive: true, force: true });
    return true;
  };

  let server: Server;
  let hlsPort: number;
  try {
    server = createHlsServer({
      mediaDir,
      access,
      files,
      viewers,
      viewerIds: new ViewerIds(secrets),
      limits: createHlsLimits(config),
      trustProxy: config.HLS_TRUST_PROXY,
      verifyInternal: createEdgeVerifier({
        secrets,
        seen: memorySeenNonces(),
        onFailure: (reason) => metrics?.edgeAuthFailures.inc({ reason }),
      }),
      log,
      recordingMeta,
      deleteRecording,
      ops: ops.handle,
    });
    ops.instrument(server);
    hlsPort = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.HLS_PORT, config.HOST, () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : config.HLS_PORT);
      });
    });
  } catch (err) {
    await ingest.close();
    throw err;
  }

  const liveInfo = () =>
    [...streams.values()].map((s) => ({
      streamId: s.streamId,
      playbackId: s.decision.playbackId,
      renditions: s.decision.profile.renditions.length,
    }));
  const usageTimer = setInterval(() => void reporter.tick(Date.now(), liveInfo()), config.USAGE_INTERVAL_MS);
  usageTimer.unref();

  log.info({ rtmpPort: ingest.port, hlsPort, mediaDir }, 'media edge listening');
  return {
    rtmpPort: ingest.port,
    hlsPort,
    events,
    live: streams,
    drain: ops.drain,
    reportUsage: () => reporter.tick(Date.now(), liveInfo()),
    close: async () => {
      ops.drain();
      clearInterval(usageTimer);
      await ingest.close();
      const info = liveInfo();
      await Promise.all([...streams.values()].map((s) => s.finish('edge_shutdown')));
      await reporter.tick(Date.now(), info); // the last interval, best effort
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
