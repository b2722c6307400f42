// Usage reports of this edge to the control plane: per stream, viewers, seconds watched, bytes served and
// seconds ingested in each interval. Every report has a key (this edge process, a sequence number), and
// reports that did not go through are sent again, in order, under the same key: none is lost or counted twice.
import type { Logger } from '@beamline/core';
import { randomBytes } from 'node:crypto';
import type { ControlPlaneClient, UsageReport, UsageRow } from '../control-plane';
import type { ViewerMeter } from '../hls/viewers';

export interface LiveStreamInfo {
  streamId: string;
  playbackId: string;
  /** Renditions the edge transcodes for it. */
  renditions: number;
}

/** Reports kept while the control plane cannot be reached (an hour at the default interval). */
const MAX_QUEUED = 720;

export class UsageReporter {
  readonly edgeId = `edge-${randomBytes(8).toString('hex')}`;
  private seq = 0;
  private lastAt = Date.now();
  private readonly ingest = new Map<string, { since: number | null; accruedMs: number }>();
  private readonly queue: UsageReport[] = [];
  private sending: Promise<void> | null = null;

  constructor(
    private readonly cp: ControlPlaneClient,
    private readonly viewers: ViewerMeter,
    private readonly log: Logger,
  ) {}

  /** A stream began producing its ladder (ingest time counts from here). */
  live(streamId: string, at = Date.now()): void {
    const entry = this.ingest.get(streamId) ?? { since: null, accruedMs: 0 };
    entry.since ??= at;
    this.ingest.set(streamId, entry);
  }

  /** The publisher left or the stream ended (ingest time stops). */
  stopped(streamId: string, at = Date.now()): void {
    const entry = this.ingest.get(streamId);
    if (!entry || entry.since === null) return;
    entry.accruedMs += Math.max(0, at - entry.since);
    entry.since = null;
  }

  /** Closes the interval up to `now` into a report and sends what is queued. */
  tick(now: number, live: LiveStreamInfo[]): Promise<void> {
    const byPlayback = new Map(live.map((s) => [s.playbackId, s]));
    const byStream = new Map(live.map((s) => [s.streamId, s]));
    const rows = new Map<string, UsageRow>();
    const row = (streamId: string) => {
      let r = rows.get(streamId);
      if (!r) {
        r = {
          streamId,
          viewers: 0,
          bytes: 0,
          viewerSeconds: 0,
          ingestSeconds: 0,
          renditions: byStream.get(streamId)?.renditions ?? 0,
        };
        rows.set(streamId, r);
      }
      return r;
    };
    for (const [playbackId, usage] of this.viewers.drain(now)) {
      const stream = byPlayback.get(playbackId);
      if (!stream) continue;
      Object.assign(row(stream.streamId), {
        viewers: usage.viewers,
        bytes: usage.bytes,
        viewerSeconds: Math.round(usage.viewerSeconds * 1000) / 1000,
      });
    }
    for (const [streamId, entry] of this.ingest) {
      let ms = entry.accruedMs;
      if (entry.since !== null) {
        ms += Math.max(0, now - entry.since);
        entry.since = now;
      }
      entry.accruedMs = 0;
      if (entry.since === null) this.ingest.delete(streamId);
      if (ms > 0) row(streamId).ingestSeconds = Math.round(ms) / 1000;
    }
    if (rows.size) {
      this.queue.push({
        edgeId: this.edgeId,
        seq: this.seq++,
        from: this.lastAt,
        to: now,
        streams: [...rows.values()],
      });
      if (this.queue.length > MAX_QUEUED) {
        const dropped = this.queue.splice(0, this.queue.length - MAX_QUEUED);
        this.log.error(
          { dropped: dropped.length },
          'usage reports dropped: the control plane was unreachable too long',
        );
      }
    }
    this.lastAt = now;
    return this.send();
  }

  /** Reports not yet acknowledged (for health and tests). */
  get pending(): number {
    return this.queue.length;
  }

  private send(): Promise<void> {
    this.sending ??= this.sendQueued().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  private async sendQueued(): Promise<void> {
    try {
      while (this.queue.length) {
        await this.cp.usage(this.queue[0]!);
        this.queue.shift();
      }
    } catch (err) {
      this.log.warn({ err, pending: this.queue.length }, 'usage report failed; it is sent again with the next one');
    }
  }
}
