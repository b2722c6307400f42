// One live stream on this edge: idle → live → disconnected (reconnect window) → ended. Runs the ladder and the
// restreams (restreams.ts) while a publisher is connected, reports to the control plane with what its health watch
// finds (health-watch.ts), and leaves a recording or cleans up (recording.ts).
import type { DestinationPolicy, Logger } from '@beamline/core';
import type { LifecycleReport, PublishAllow, RecordingSummary } from '@beamline/protocol/edge';
import { existsSync } from 'node:fs';
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { ControlPlaneClient } from '../control-plane';
import type { HotFiles } from '../hls/files';
import { sourceVideoCodec, tapPublisher, waitForHeaders, type PublisherSession } from '../ingest/rtmp';
import { ladderArgs } from '../ladder/args';
import { fitProfile, scaledWidth, variantNames, type LadderProfile } from '../ladder/profile';
import { SupervisedFfmpeg } from '../ladder/runner';
import { publishMaster, removeDir, variantsReady } from './files';
import { HealthWatch } from './health-watch';
import { finaliseLiveFiles } from './recording';
import { Restreams } from './restreams';
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

const THUMBNAIL_EVERY_MS = 10_000;

export class LiveStream {
  state: LiveState = 'starting';
  private publisher: PublisherSession | null = null;
  private ladder: SupervisedFfmpeg | null = null;
  private readonly restreams: Restreams;
  private readonly health: HealthWatch;
  private statsTimer: NodeJS.Timeout | null = null;
  private windowTimer: NodeJS.Timeout | null = null;
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
    this.restreams = new Restreams({ ffmpegPath: deps.ffmpegPath, log: this.log, policy: deps.restreamPolicy });
    this.health = new HealthWatch({ tickMs: deps.statsIntervalMs, minFreeBytes: deps.minFreeBytes, now: Date.now });
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
    this.health.attached(session.inBytes);
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
        this.health.speedSample(speed);
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
    this.restreams.start(this.decision.restreamTargets, attachSource);
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
    const runners = [...(this.ladder ? [this.ladder] : []), ...this.restreams.takeRunners()];
    this.ladder = null;
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
    const recordingId = this.decision.recordingId ?? undefined;
    const recording: RecordingSummary | undefined = await finaliseLiveFiles(
      { ...this.deps, log: this.log },
      this.dir,
      names,
      this.decision,
    );
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
    const verdict = this.health.tick({ inBytes: session?.inBytes, live: this.state === 'live' });
    if (verdict.stalled && session) {
      this.log.warn('publisher sends nothing; closing its connection');
      session.socket.destroy();
      return;
    }
    if (verdict.qualityDrop) {
      const { speed, reason } = verdict.qualityDrop;
      void this.report({ type: 'quality_drop', sessionId: this.sessionId, speed, reason });
      this.deps.onEvent({ type: 'quality_drop', streamId: this.streamId, speed });
    }
    if (this.state === 'live' && Date.now() - this.lastThumbnailAt >= THUMBNAIL_EVERY_MS)
      await this.thumbnail(variantNames(this.profile ?? this.decision.profile)[0]!);
    await this.checkDisk();
    // while disconnected the heartbeat continues, so a reset or a disable ends the session before its window does
    if (this.state === 'ended' || (!session && this.state !== 'disconnected')) return;
    try {
      const answer = await this.deps.cp.stats(this.streamId, {
        sessionId: this.sessionId,
        ...(session ? { ingest: this.ingestOf(session) } : {}),
        restream: this.restreams.report(),
      });
      if (!answer.continue) await this.cut(answer.reason ?? 'refused');
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
      bitrateKbps: this.health.bitrateKbps,
      ...(this.health.speed !== undefined ? { speed: this.health.speed } : {}),
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
      if (this.health.diskFree(free)) {
        this.log.error({ freeBytes: free }, 'media disk nearly full');
        await this.report({
          type: 'error',
          sessionId: this.sessionId,
          reason: `disk_full: ${Math.round(free / 1e6)} MB free`,
        });
      }
    } catch (err) {
      this.log.warn({ err }, 'disk check failed');
    }
  }
}
