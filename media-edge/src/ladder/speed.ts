// The ladder's current speed, read from ffmpeg's progress lines on stderr.
const SPEED = /speed=\s*([\d.]+)x/;
const MEDIA_TIME = /time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;
/** ffmpeg's own `speed=` is an average since it started; the current speed is taken over this window. */
const SPEED_WINDOW_MS = 5_000;

/**
 * The current speed from ffmpeg's progress lines: media time gained per wall time over the last few seconds,
 * so that a ladder falling behind late in a long stream, or recovering, shows at once. Until a second of
 * progress is seen, ffmpeg's own average stands in.
 */
export class SpeedGauge {
  private readonly points: { wall: number; media: number }[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A progress line in; the current speed out (undefined for a line without progress). */
  read(line: string): number | undefined {
    const reported = SPEED.exec(line);
    if (!reported) return undefined;
    const time = MEDIA_TIME.exec(line);
    if (!time) return Number(reported[1]);
    const wall = this.now();
    const media = Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]);
    this.points.push({ wall, media });
    while (this.points.length > 2 && wall - this.points[1]!.wall >= SPEED_WINDOW_MS) this.points.shift();
    const first = this.points[0]!;
    if (wall - first.wall < 1_000) return Number(reported[1]);
    return Math.max(0, (media - first.media) / ((wall - first.wall) / 1000));
  }
}
