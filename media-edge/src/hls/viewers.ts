// Viewers (distinct viewer ids, playback tokens or addresses fetching within a window), seconds watched and bytes
// served, per playback id. A viewer watches from its first fetch to its last; a pause longer than the window starts
// a new watch. Each stream's table is bounded: past the bound a new viewer is not counted until others leave.

interface Viewer {
  /** Up to where this viewer's watching has been counted. */
  counted: number;
  last: number;
}

interface Meter {
  seen: Map<string, Viewer>;
  bytes: number;
  /** Seconds of watches that ended (by a long pause) since the last drain, in ms. */
  closedMs: number;
}

export interface ViewerUsage {
  viewers: number;
  bytes: number;
  viewerSeconds: number;
}

export class ViewerMeter {
  private readonly meters = new Map<string, Meter>();

  constructor(
    private readonly windowMs = 30_000,
    private readonly maxPerStream = 100_000,
  ) {}

  private meter(playbackId: string): Meter {
    let meter = this.meters.get(playbackId);
    if (!meter) {
      meter = { seen: new Map(), bytes: 0, closedMs: 0 };
      this.meters.set(playbackId, meter);
    }
    return meter;
  }

  /** Bytes served that count for no viewer in particular (segments of public streams, shared by all). */
  addBytes(playbackId: string, bytes: number): void {
    this.meter(playbackId).bytes += bytes;
  }

  touch(playbackId: string, viewer: string, bytes: number, now: number): void {
    const meter = this.meter(playbackId);
    const v = meter.seen.get(viewer);
    if (!v) {
      if (meter.seen.size < this.maxPerStream) meter.seen.set(viewer, { counted: now, last: now });
    } else if (now - v.last > this.windowMs) {
      meter.closedMs += Math.max(0, v.last - v.counted);
      v.counted = now;
      v.last = now;
    } else if (now > v.last) v.last = now;
    meter.bytes += bytes;
  }

  /** Viewers seen within the window, bytes and seconds watched since the last call, per playback id; forgets idle ones. */
  drain(now: number): Map<string, ViewerUsage> {
    const out = new Map<string, ViewerUsage>();
    for (const [playbackId, meter] of this.meters) {
      let watchedMs = meter.closedMs;
      for (const [id, v] of meter.seen) {
        watchedMs += Math.max(0, v.last - v.counted);
        v.counted = v.last;
        if (now - v.last > this.windowMs) meter.seen.delete(id);
      }
      out.set(playbackId, { viewers: meter.seen.size, bytes: meter.bytes, viewerSeconds: watchedMs / 1000 });
      meter.bytes = 0;
      meter.closedMs = 0;
      if (meter.seen.size === 0) this.meters.delete(playbackId);
    }
    return out;
  }
}
