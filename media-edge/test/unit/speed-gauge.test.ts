// The ladder's current speed from ffmpeg's progress lines, rather than ffmpeg's average since start.
import { expect, it } from 'vitest';
import { SpeedGauge } from '../../src/ladder/speed';

const line = (mediaSeconds: number, averageSpeed: string) => {
  const h = Math.floor(mediaSeconds / 3600);
  const m = Math.floor((mediaSeconds % 3600) / 60);
  const s = (mediaSeconds % 60).toFixed(2).padStart(5, '0');
  return `frame= 300 fps= 30 q=23.0 size=N/A time=${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s} bitrate=N/A speed=${averageSpeed}x`;
};

it('follows the speed of the last seconds, not the average since start', () => {
  let now = 0;
  const gauge = new SpeedGauge(() => now);
  // a fast start (catching up on buffered input) then half of real time
  expect(gauge.read(line(0, '0'))).toBe(0);
  now = 500;
  expect(gauge.read(line(1, '2.0'))).toBe(2); // under a second of progress: ffmpeg's own figure
  let media = 2;
  now = 1_000;
  expect(gauge.read(line(media, '2.0'))).toBeCloseTo(2);
  for (let i = 0; i < 20; i++) {
    now += 500;
    media += 0.25;
    gauge.read(line(media, '1.5'));
  }
  now += 500;
  media += 0.25;
  // ffmpeg's average would still say well over 1; the last five seconds ran at half speed
  expect(gauge.read(line(media, '1.1'))).toBeCloseTo(0.5, 2);
});

it('reads lines without progress as nothing, and a progress line without a time as ffmpeg’s figure', () => {
  const gauge = new SpeedGauge(() => 0);
  expect(gauge.read('Input #0, flv, from pipe:')).toBeUndefined();
  expect(gauge.read('frame=    0 fps=0.0 q=0.0 size=N/A time=N/A bitrate=N/A speed=N/A')).toBeUndefined();
  expect(gauge.read('size=N/A time=N/A bitrate=N/A speed=0.98x')).toBe(0.98);
});
