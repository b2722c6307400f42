// One live stream on this edge: idle → live → disconnected (reconnect window) → ended. Runs the ladder and the
// restreams while a publisher is connected, reports to the control plane, and leaves a recording or cleans up.
import { DestinationRefused, resolveDestination, type DestinationPolicy, type Logger } from '@beamline/core';
import { existsSync } from 'node:fs';
import { mkdir, rename, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ControlPlaneClient, LifecycleReport, PublishAllow, RecordingSummary } from '../control-plane';
import type { HotFiles } from '../hls/files';
import { sourceVideoCodec, tapPublisher, waitForHeaders, type PublisherSession } from '../ingest/rtmp';
import { ladderArgs, restreamArgs } from '../ladder/args';
import { scaledWidth, variantNames, type LadderProfile } from '../ladder/profile';
import { SupervisedFfmpeg } from '../ladder/runner';
import { closeVariants, publishMaster, removeDir, summarise, variantsReady } from './files';
import { refreshThumbnail } from './thumbnail';

export interface LiveStreamDeps {
  cp: ControlPlaneClient;
  files: HotFiles;
  log: Logger;
  mediaDir: string;
  ffmpegPath: string;
  /** The URL the control plane reaches this edge on (recording deletion). */
  edgeUrl: string;
  statsIntervalMs: number;
  liveFilesGraceMs: number;
  minFreeBytes: number;
  /** Where restreams may connect (RESTREAM_ALLOWED_HOSTS), checked again right before each connection. */
  restreamPolicy: DestinationPolicy;
  /** Whether another session of this playback id went live since (its files must stay). */
  isLive(playbackId: string): boolean;
  onEvent(event: LiveEvent): void;
  /** Each speed sample ffmpeg reports for the ladder (metrics). */
  onSpeed?(speed: number): void;
}

export type LiveEvent =
  | { type: 'live'; streamId: string; playbackId: string; ms: number }
  | { type: 'disconnected'; streamId: string }
  | { type: 'ended'; streamId: string; reason: string; recording?: RecordingSummary; recordingId?: string }
  | { type: 'quality_drop'; streamId: string; speed: number };

export type LiveState = 'starting' | 'live' | 'disconnected' | 'ended';

/** A speed below this for SLOW_SECONDS in a row is a quality drop; as long again at or above it re-arms the alert. */
const SLOW_SPEED = 0.95;
const SLOW_SECONDS = 10;
/** A transcoder that reports no progress for this long counts as stopped (speed 0). */
const SPEED_STALE_MS = 10_000;
/** A publisher that sends nothing for this long is cut (a dead connection that did not close). */
const STALL_MS = 5_000;
const THUMBNAIL_EVERY_MS = 10_000;
/**
 * What the tenant sees of a failed restream: never the address or the network's answer (that would make the
 * edge a port scanner for whoever sets a target); the edge's log has the details.
 */
export const RESTREAM_ERRORS = {
  not_allowed: 'The destination is not allowed: restream targets must be public addresses.',
  unreachable: 'Could not connect to the destination, or it closed the connection.',
} as const;

/** The profile as applied to a source: renditions taller than the source are dropped (never upscaled). */
export function fitProfile(profile: LadderProfile, sourceHeight: number): LadderProfile {
  if (!sourceHeight) return profile;
  const fitting = profile.renditions.filter((r) => r.height <= sourceHeight);
  const smallest = [...profile.renditions].sort((a, b) => a.height - b.height)[0];
  const renditions = fitting.length || profile.passthrough || !smallest ? fitting : [smallest];
  return { ...profile, renditions };
}

export class LiveStream {
  state: LiveState = 'starting';
  private publisher: PublisherSession | null = null;
  private ladder: SupervisedFfmpeg | null = null;
  private restreams = new Map<
    string,
    { runner: SupervisedFfmpeg; status: 'connecting' | 'active' | 'failed' | 'stopped'; error?: string }
  >();
  private statsTimer: NodeJS.Timeout | null = null;
  private windowTimer: NodeJS.Timeout | null = null;
  private lastBytes = 0;
  private lastBytesAt = Date.now();
  private bitrateKbps = 0;
  private speed: number | undefined;
  private speedAt = 0;
  private slowSeconds = 0;
  private fastSeconds = 0;
  private qualityReported = false;
  private diskReported = false;
  private cutReason: string | null = null;
  private finishing: Promise<void> | null = null;
  private lastThumbnailAt = 0;
  /** A thumbnail being written; finishing waits for it before moving or removing the directory. */
  private thumbnailing: Promise<void> | null = null;
  /** The ladder fitted to the first publisher's source; kept for resumes so variants stay the same. */
  private profile: LadderProfile | null = null;
  readonly dir: string;
  private readonly log: Logger;

  constructor(
    private readonly deps: LiveStreamDeps,
    public decision: PublishAllow,
  ) {
    this.dir = join(deps.mediaDir, 'live', decision.playbackId);
    this.log = deps.log.child({ streamId: decision.streamId, sessionId: decision.sessionId });
  }

  get streamId() {
    return this.decision.streamId;
  }
  get sessionId() {
    return this.decision.sessionId;
  }

  private report(report: LifecycleReport) {
    return this.deps.cp.lifecycle(this.streamId, report).catch((err: unknown) => {
      this.log.warn({ err, report: report.type }, 'lifecycle report failed');
    });
  }

  /** A publisher was admitted for this stream: start (or resume) the ladder and the restreams. */
  async attach(session: PublisherSession, resumed: boolean, admittedAt: number): Promise<void> {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
    this.publisher = session;
    this.state = 'starting';
    this.lastBytes = session.inBytes;
    this.lastBytesAt = Date.now();
    session.socket.once('close', () => void this.publisherLeft(session));
    const resume = resumed && existsSync(join(this.dir, 'master.m3u8'));
    if (!resume) {
      await removeDir(this.dir);
      this.deps.files.invalidate(this.dir);
    }
    const { hasAudio } = await waitForHeaders(session, 5_000);
    if (this.publisher !== session) return;
    const profile = (this.profile ??= fitProfile(this.decision.profile, session.videoHeight));
    const names = variantNames(profile);
    for (const name of names) await mkdir(join(this.dir, name), { recursive: true });
    const attachSource = (write: (chunk: Buffer) => void) => tapPublisher(session, write);

    this.ladder = new SupervisedFfmpeg({
      name: `ladder ${this.streamId}`,
      ffmpegPath: this.deps.ffmpegPath,
      log: this.log,
      build: (attempt) =>
        ladderArgs({
          profile,
          latency: this.decision.latencyMode,
          dir: this.dir,
          record: this.decision.record,
          resume: resume || attempt > 0,
          hasAudio,
        }),
      attach: attachSource,
      onSpeed: (speed) => {
        this.speed = speed;
        this.speedAt = Date.now();
        this.deps.onSpeed?.(speed);
      },
      onState: (state, detail) => {
        if (state === 'restarting')
          void this.report({
            type: 'error',
            sessionId: this.sessionId,
            reason: `transcoder restarted: ${detail ?? ''}`.slice(0, 400),
          });
        if (state === 'failed') void this.cut('transcoder_failed');
      },
    });
    this.ladder.start();
    for (const target of this.decision.restreamTargets) {
      const entry = {
        runner: null as unknown as SupervisedFfmpeg,
        status: 'connecting' as 'connecting' | 'active' | 'failed' | 'stopped',
        error: undefined as string | undefined,
        refused: false,
        /** The address the last check passed, which ffmpeg connects to (rtmp://), so DNS cannot change between. */
        address: undefined as string | undefined,
      };
      entry.runner = new SupervisedFfmpeg({
        name: `restream ${target.id}`,
        ffmpegPath: this.deps.ffmpegPath,
        log: this.log,
        build: () => restreamArgs(target, entry.address),
        attach: attachSource,
        maxRestarts: 1_000,
        restartDelayMs: 3_000,
        // DNS may have changed since the target was saved: checked before every connection
        preflight: async () => {
          try {
            const checked = await resolveDestination(target.url, this.deps.restreamPolicy);
            entry.address = checked.addresses?.[0];
            entry.refused = false;
          } catch (err) {
            entry.refused = err instanceof DestinationRefused && err.reason !== 'host_unresolvable';
            this.log.warn(
              { err, target: target.id, address: err instanceof DestinationRefused ? err.address : undefined },
              'restream destination refused',
            );
            throw err;
          }
        },
        onSpeed: () => {
          entry.status = 'active';
          entry.error = undefined;
        },
        onState: (state, detail) => {
          if (state === 'restarting' || state === 'failed') {
            entry.status = 'failed';
            entry.error = entry.refused ? RESTREAM_ERRORS.not_allowed : RESTREAM_ERRORS.unreachable;
            this.log.info({ target: target.id, detail }, 'restream failed');
          } else if (state === 'running') entry.status = entry.status === 'active' ? 'active' : 'connecting';
          else entry.status = 'stopped';
        },
      });
      this.restreams.set(target.id, entry);
      entry.runner.start();
    }
    this.statsTimer ??= setInterval(() => void this.tick(), this.deps.statsIntervalMs);

    // playable once every variant has a segment; then the master playlist goes up and the stream is live
    const deadline = Date.now() + 30_000;
    while (this.publisher === session && Date.now() < deadline) {
      if (await variantsReady(this.dir, names)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.publisher !== session || this.state !== 'starting') return;
    if (!(await variantsReady(this.dir, names))) {
      await this.report({ type: 'error', sessionId: this.sessionId, reason: 'no segments after 30 s' });
      return void this.cut('transcoder_failed');
    }
    if (!resume) {
      const height = session.videoHeight || 0;
      await publishMaster(this.dir, {
        width: session.videoWidth || (height ? scaledWidth(16, 9, height) : 0),
        height,
        videoCodec: sourceVideoCodec(session),
        hasAudio,
      });
    }
    this.state = 'live';
    await this.report({ type: 'started', sessionId: this.sessionId, resumed, edgeUrl: this.deps.edgeUrl });
    void this.thumbnail(names[0]!);
    this.deps.onEvent({
      type: 'live',
      streamId: this.streamId,
      playbackId: this.decision.playbackId,
      ms: Date.now() - admittedAt,
    });
    this.log.info({ ms: Date.now() - admittedAt, resumed }, 'stream live');
  }

  /** ffmpeg processes this stream runs now: the ladder and each restream. */
  get ffmpegProcesses(): number {
    return (this.ladder ? 1 : 0) + this.restreams.size;
  }

  private async stopProcesses() {
    const runners = [this.ladder, ...[...this.restreams.values()].map((r) => r.runner)].filter(
      (r): r is SupervisedFfmpeg => r !== null,
    );
    this.ladder = null;
    this.restreams.clear();
    await Promise.all(runners.map((r) => r.stop()));
  }

  /** The publisher's connection closed: stop encoding, then wait for a reconnect within the stream's window. */
  private async publisherLeft(session: PublisherSession) {
    if (this.publisher !== session || this.state === 'ended') return;
    this.publisher = null;
    this.state = 'disconnected';
    this.deps.onEvent({ type: 'disconnected', streamId: this.streamId });
    await this.stopProcesses();
    if (this.publisher !== null) return; // resumed while ffmpeg was finishing
    if (this.cutReason) return void this.finish(this.cutReason);
    await this.report({ type: 'disconnected', sessionId: this.sessionId });
    this.windowTimer = setTimeout(
      () => void this.finish('publisher_left'),
      this.decision.reconnectWindowSeconds * 1000,
    );
  }

  /** Cuts the publisher now and ends the session without a reconnect window (key reset, disabled, failure). */
  async cut(reason: string): Promise<void> {
    this.cutReason = reason;
    this.log.info({ reason }, 'cutting live session');
    if (this.publisher && !this.publisher.socket.destroyed) this.publisher.socket.destroy();
    else if (this.state !== 'ended') await this.finish(reason);
  }

  /** Ends the session: closes the playlists, turns them into a recording or schedules their removal. */
  finish(reason: string): Promise<void> {
    this.finishing ??= this.doFinish(reason);
    return this.finishing;
  }

  private async doFinish(reason: string) {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = this.windowTimer = null;
    this.state = 'ended';
    if (this.publisher && !this.publisher.socket.destroyed) this.publisher.socket.destroy();
    this.publisher = null;
    await this.stopProcesses();
    await this.thumbnailing;
    const names = variantNames(this.profile ?? this.decision.profile);
    let recording: RecordingSummary | undefined;
    const recordingId = this.decision.recordingId ?? undefined;
    try {
      await closeVariants(this.dir, names);
      if (this.decision.record && recordingId && existsSync(this.dir)) {
        recording = await summarise(this.dir, names);
        const target = join(this.deps.mediaDir, 'recordings', recordingId);
        await mkdir(join(this.deps.mediaDir, 'recordings'), { recursive: true });
        await rename(this.dir, target);
        this.deps.files.invalidate(this.dir);
        await writeFile(
          join(target, 'meta.json'),
          JSON.stringify({
            recordingId,
            playbackId: this.decision.playbackId,
            streamId: this.streamId,
            appId: this.decision.appId,
          }),
        );
      } else {
        const dir = this.dir;
        const playbackId = this.decision.playbackId;
        setTimeout(() => {
          if (this.deps.isLive(playbackId)) return;
          this.deps.files.invalidate(dir);
          removeDir(dir).catch((err: unknown) => this.log.warn({ err, dir }, 'removing live files failed'));
        }, this.deps.liveFilesGraceMs).unref();
      }
    } catch (err) {
      this.log.error({ err }, 'finishing the live files failed');
      if (recordingId) recording = { status: 'failed', durationSeconds: 0, sizeBytes: 0, renditions: [] };
    }
    await this.report({ type: 'ended', sessionId: this.sessionId, reason, ...(recording ? { recording } : {}) });
    this.deps.onEvent({
      type: 'ended',
      streamId: this.streamId,
      reason,
      ...(recording ? { recording, recordingId } : {}),
    });
    this.log.info({ reason, recording: recording?.status }, 'live session ended');
  }

  /** Every stats interval: ingest figures, stall and speed watch, disk space, and the control plane's verdict. */
  private async tick() {
    const session = this.publisher;
    const now = Date.now();
    if (session) {
      const bytes = session.inBytes;
      if (bytes !== this.lastBytes) {
        this.bitrateKbps = Math.round(((bytes - this.lastBytes) * 8) / Math.max(1, now - this.lastBytesAt));
        this.lastBytes = bytes;
        this.lastBytesAt = now;
      } else if (now - this.lastBytesAt > STALL_MS) {
        this.log.warn('publisher sends nothing; closing its connection');
        session.socket.destroy();
        return;
      }
    }
    if (this.state === 'live' && this.speed !== undefined) {
      const speed = now - this.speedAt > SPEED_STALE_MS ? 0 : this.speed;
      const tickSeconds = this.deps.statsIntervalMs / 1000;
      if (speed < SLOW_SPEED) {
        this.slowSeconds += tickSeconds;
        this.fastSeconds = 0;
      } else {
        this.fastSeconds += tickSeconds;
        this.slowSeconds = 0;
      }
      if (this.slowSeconds >= SLOW_SECONDS && !this.qualityReported) {
        this.qualityReported = true;
        void this.report({
          type: 'quality_drop',
          sessionId: this.sessionId,
          speed,
          reason: speed === 0 ? 'transcoder reports no progress' : 'transcoder slower than real time',
        });
        this.deps.onEvent({ type: 'quality_drop', streamId: this.streamId, speed });
      } else if (this.fastSeconds >= SLOW_SECONDS) this.qualityReported = false;
    }
    if (this.state === 'live' && now - this.lastThumbnailAt >= THUMBNAIL_EVERY_MS)
      await this.thumbnail(variantNames(this.profile ?? this.decision.profile)[0]!);
    await this.checkDisk();
    // while disconnected the heartbeat continues, so a reset or a disable ends the session before its window does
    if (this.state === 'ended' || (!session && this.state !== 'disconnected')) return;
    try {
      const verdict = await this.deps.cp.stats(this.streamId, {
        sessionId: this.sessionId,
        ...(session ? { ingest: this.ingestOf(session) } : {}),
        restream: Object.fromEntries(
          [...this.restreams].map(([id, r]) => [id, { status: r.status, ...(r.error ? { error: r.error } : {}) }]),
        ),
      });
      if (!verdict.continue) await this.cut(verdict.reason ?? 'refused');
    } catch (err) {
      this.log.warn({ err }, 'stats report failed');
    }
  }

  private ingestOf(session: PublisherSession) {
    return {
      ...(session.videoWidth ? { width: session.videoWidth, height: session.videoHeight } : {}),
      ...(session.videoFramerate ? { fps: session.videoFramerate } : {}),
      videoCodec: session.videoCodec === 7 ? 'h264' : session.videoCodec === 12 ? 'hevc' : String(session.videoCodec),
      audioCodec: session.audioCodec === 10 ? 'aac' : String(session.audioCodec),
      bitrateKbps: this.bitrateKbps,
      ...(this.speed !== undefined ? { speed: this.speed } : {}),
    };
  }

  private async thumbnail(variant: string) {
    if (this.state === 'ended') return;
    this.lastThumbnailAt = Date.now();
    this.thumbnailing = refreshThumbnail(this.deps.ffmpegPath, this.dir, variant)
      .then(() => this.deps.files.invalidate(join(this.dir, 'thumbnail.jpg')))
      .catch((err: unknown) => this.log.warn({ err }, 'thumbnail failed'));
    await this.thumbnailing;
  }

  private async checkDisk() {
    try {
      const fs = await statfs(this.deps.mediaDir);
      const free = fs.bavail * fs.bsize;
      if (free < this.deps.minFreeBytes && !this.diskReported) {
        this.diskReported = true;
        this.log.error({ freeBytes: free }, 'media disk nearly full');
        await this.report({
          type: 'error',
          sessionId: this.sessionId,
          reason: `disk_full: ${Math.round(free / 1e6)} MB free`,
        });
      } else if (free >= this.deps.minFreeBytes * 2) this.diskReported = false;
    } catch (err) {
      this.log.warn({ err }, 'disk check failed');
    }
  }
}
