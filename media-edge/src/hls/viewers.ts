// Viewers (distinct tokens or clients fetching within a window) and bytes served, per playback id.

interface Meter {
  seen: Map<string, number>;
  bytes: number;
}

export class ViewerMeter {
  private readonly meters = new Map<string, Meter>();

  touch(playbackId: string, viewer: string, bytes: number, now: number): void {
    let meter = this.meters.get(playbackId);
    if (!meter) {
      meter = { seen: new Map(), bytes: 0 };
      this.meters.set(playbackId, meter);
    }
    if (meter.seen.size < 1_000_000) meter.seen.set(viewer, now);
    meter.bytes += bytes;
  }

  /** Viewers seen within `windowMs` and bytes since the last call, per playback id; forgets idle ones. */
  drain(now: number, windowMs: number): Map<string, { viewers: number; bytes: number }> {
    const out = new Map<string, { viewers: number; bytes: number }>();
    for (const [playbackId, meter] of this.meters) {
      for (const [viewer, at] of meter.seen) if (now - at > windowMs) meter.seen.delete(viewer);
      out.set(playbackId, { viewers: meter.seen.size, bytes: meter.bytes });
      meter.bytes = 0;
      if (meter.seen.size === 0) this.meters.delete(playbackId);
    }
    return out;
  }
}
