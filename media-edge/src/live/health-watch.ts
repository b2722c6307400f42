// The live session's health, judged once per stats tick from what it is fed: a publisher that stalled, a transcoder
// slower than real time, a media disk nearly full. No timers and no I/O; the clock is injected.

/** A speed below this for SLOW_SECONDS in a row is a quality drop; as long again at or above it re-arms the alert. */
export const SLOW_SPEED = 0.95;
export const SLOW_SECONDS = 10;
/** A transcoder that reports no progress for this long counts as stopped (speed 0). */
export const SPEED_STALE_MS = 10_000;
/** A publisher that sends nothing for this long is cut (a dead connection that did not close). */
export const STALL_MS = 5_000;

export interface HealthWatchOptions {
  /** The stats interval: each tick counts for this long in the slow/fast tallies. */
  tickMs: number;
  /** Below this many free bytes the disk is reported, once, until it has twice as much again. */
  minFreeBytes: number;
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface QualityDrop {
  speed: number;
  reason: string;
}

export interface TickVerdict {
  /** The publisher sent nothing for STALL_MS: close its connection. */
  stalled: boolean;
  /** The transcoder fell behind for SLOW_SECONDS: report it (once until it recovers). */
  qualityDrop?: QualityDrop;
}

export class HealthWatch {
  private lastBytes = 0;
  private lastBytesAt: number;
  private bitrate = 0;
  private lastSpeed: number | undefined;
  private speedAt = 0;
  private slowSeconds = 0;
  private fastSeconds = 0;
  private qualityReported = false;
  private diskReported = false;

  constructor(private readonly options: HealthWatchOptions) {
    this.lastBytesAt = options.now();
  }

  /** A publisher (re)attached, having sent this many bytes so far. */
  attached(inBytes: number): void {
    this.lastBytes = inBytes;
    this.lastBytesAt = this.options.now();
  }

  /** A speed sample of the ladder's ffmpeg. */
  speedSample(speed: number): void {
    this.lastSpeed = speed;
    this.speedAt = this.options.now();
  }

  /** The last speed ffmpeg reported, if any. */
  get speed(): number | undefined {
    return this.lastSpeed;
  }

  /** The publisher's bitrate over the last interval in which bytes arrived. */
  get bitrateKbps(): number {
    return this.bitrate;
  }

  /**
   * One stats tick: `inBytes` is what the connected publisher has sent so far (absent when none is connected),
   * `live` whether the ladder is serving viewers (only then does its speed count).
   */
  tick(input: { inBytes?: number | undefined; live: boolean }): TickVerdict {
    const now = this.options.now();
    if (input.inBytes !== undefined) {
      if (input.inBytes !== this.lastBytes) {
        this.bitrate = Math.round(((input.inBytes - this.lastBytes) * 8) / Math.max(1, now - this.lastBytesAt));
        this.lastBytes = input.inBytes;
        this.lastBytesAt = now;
      } else if (now - this.lastBytesAt > STALL_MS) return { stalled: true };
    }
    if (!input.live || this.lastSpeed === undefined) return { stalled: false };
    const speed = now - this.speedAt > SPEED_STALE_MS ? 0 : this.lastSpeed;
    const tickSeconds = this.options.tickMs / 1000;
    if (speed < SLOW_SPEED) {
      this.slowSeconds += tickSeconds;
      this.fastSeconds = 0;
    } else {
      this.fastSeconds += tickSeconds;
      this.slowSeconds = 0;
    }
    if (this.slowSeconds >= SLOW_SECONDS && !this.qualityReported) {
      this.qualityReported = true;
      const reason = speed === 0 ? 'transcoder reports no progress' : 'transcoder slower than real time';
      return { stalled: false, qualityDrop: { speed, reason } };
    }
    if (this.fastSeconds >= SLOW_SECONDS) this.qualityReported = false;
    return { stalled: false };
  }

  /** The media disk's free bytes: true when it just fell below the minimum (report it). */
  diskFree(freeBytes: number): boolean {
    if (freeBytes < this.options.minFreeBytes && !this.diskReported) {
      this.diskReported = true;
      return true;
    }
    if (freeBytes >= this.options.minFreeBytes * 2) this.diskReported = false;
    return false;
  }
}
