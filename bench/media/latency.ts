// Glass-to-glass latency: the publisher flashes the picture white every 4 s; the flash's capture time is when
// ffmpeg's showinfo filter sees that frame (paced in real time by -re); its render time is when hls.js in
// Chromium presents the first white frame (requestVideoFrameCallback). Same machine clock on both sides.
// Baseline for context: the segment length (a player cannot be closer than about one segment behind).
// Run: npx tsx bench/media/latency.ts   (BENCH_SECONDS=24)
import { freePort } from '@beamline/core/testing';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { startEdgeTest, waitForStatus } from '../../media-edge/test/support';
import { median } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 34);
/** Longer than any latency measured, so a render is never matched to the wrong flash. */
const FLASH_EVERY = 8;

const page = (hlsUrl: string, syncCount: number) => `<!doctype html><video id="v" muted autoplay playsinline></video>
<script src="/hls.js"></script><script>
window.flashes = [];
const video = document.getElementById('v');
const hls = new Hls({ liveSyncDurationCount: ${syncCount}, lowLatencyMode: true });
hls.loadSource(${JSON.stringify(hlsUrl)});
hls.attachMedia(video);
const canvas = document.createElement('canvas'); canvas.width = 8; canvas.height = 8;
const ctx = canvas.getContext('2d', { willReadFrequently: true });
let bright = false;
const onFrame = (now) => {
  ctx.drawImage(video, 0, 0, 8, 8);
  const y = ctx.getImageData(4, 4, 1, 1).data[0];
  if (y > 128 && !bright) window.flashes.push(performance.timeOrigin + now);
  bright = y > 128;
  video.requestVideoFrameCallback(onFrame);
};
video.requestVideoFrameCallback(onFrame);
</script>`;

async function measure(latencyMode: 'standard' | 'low', segmentSeconds: number) {
  const t = await startEdgeTest({ LOG_LEVEL: 'silent' });
  const profileId = (
    await t.call('POST', '/transcoding-profiles', {
      name: 'Latency',
      renditions: [{ height: 360, videoBitrateKbps: 800 }],
      passthrough: false,
      preset: 'veryfast',
      segmentSeconds,
    })
  ).body.id;
  const stream = (
    await t.call('POST', '/streams', { name: 'Latency', latencyMode, profileId, reconnectWindowSeconds: 0 })
  ).body;
  const captures: number[] = [];
  let wasBright = false;
  const publisher = spawn('ffmpeg', [
    '-hide_banner',
    '-re',
    '-f',
    'lavfi',
    '-i',
    'color=c=black:size=640x360:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    String(SECONDS),
    '-vf',
    `drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\\,${FLASH_EVERY})\\,0.5)',showinfo`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-g',
    '30',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-f',
    'flv',
    `${stream.rtmpUrl}/${stream.streamKey}`,
  ]);
  let buf = '';
  publisher.stderr.on('data', (d: Buffer) => {
    const at = Date.now();
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      const mean = /mean:\[(\d+)/.exec(line);
      if (!mean) continue;
      const bright = Number(mean[1]) > 128;
      if (bright && !wasBright) captures.push(at);
      wasBright = bright;
    }
  });
  await waitForStatus(t, stream.id, 'live', 60_000);
  const port = await freePort();
  const server = createServer((req, res) => {
    if (req.url === '/hls.js') return res.end(readFileSync('node_modules/hls.js/dist/hls.min.js'));
    res.setHeader('content-type', 'text/html');
    res.end(page(stream.hlsUrl, latencyMode === 'low' ? 2 : 3));
  }).listen(port, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${port}/`);
  await new Promise<void>((r) => publisher.once('exit', () => r()));
  await new Promise((r) => setTimeout(r, 8_000)); // let the player show the last flashes
  const renders = (await tab.evaluate(() => (window as unknown as { flashes: number[] }).flashes)) as number[];
  await browser.close();
  server.close();
  await t.close();
  // each render belongs to the latest capture before it
  const latencies = renders
    .map((r) => {
      const capture = captures.filter((c) => c < r).at(-1);
      return capture === undefined ? null : r - capture;
    })
    .filter((v): v is number => v !== null && v < FLASH_EVERY * 1000);
  return { latencies, captures: captures.length, renders: renders.length };
}

async function main() {
  const rows: string[] = [];
  const cases = [
    { mode: 'low', seg: 1 },
    { mode: 'low', seg: 0.5 },
    { mode: 'standard', seg: 2 },
  ] as const;
  for (const { mode, seg } of cases) {
    const r = await measure(mode, seg);
    console.error(mode, seg, r.latencies);
    const s = (v: number) => (v / 1000).toFixed(2);
    const l = r.latencies;
    rows.push(
      `| ${mode} | ${seg} s | ${mode === 'low' ? 2 : 3} | ${l.length} of ${r.captures} flashes | ${l.length ? s(median(l)) : 'n/a'} s | ${l.length ? `${s(Math.min(...l))}–${s(Math.max(...l))}` : 'n/a'} s |`,
    );
  }
  console.log(`\nGlass-to-glass, hls.js in Chromium, 640x360 source, one 360p rendition, ${SECONDS} s per mode\n`);
  console.log('| latency mode | segment | hls.js liveSyncDurationCount | measured | median | range |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
