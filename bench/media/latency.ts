// Glass-to-glass latency of the product's players: the publisher turns one quarter of the picture white every 8 s,
// the quarters in turn, so a render is matched to its flash even when the player is more than 8 s behind (up to 32 s).
// A flash's capture time is when ffmpeg's showinfo filter sees its first frame (paced in real time by -re); its render
// time is when the player in Chromium presents that quarter white (requestVideoFrameCallback). One machine clock.
// The players are the product's own, bundled from source with esbuild: the SDK's attachPlayer (`sdk`) and the
// dashboard's HlsPlayer that /watch and /embed render (`watch`), each with its shipped hls.js settings and live-edge
// rule. Two viewers per case: one opens the page as the stream goes live (its playlist still short, so hls.js can
// only start near the edge), one joins 12 s later, when the playlist holds its full window, as most viewers do.
// Rebuffering: hls.js BUFFER_STALLED_ERROR events and the video's 'waiting' events after playback started, and how
// close a viewer came to one: the least media buffered ahead of the playhead while playing and live (every 0.5 s).
// Run: flock /tmp/bench.lock npx tsx bench/media/latency.ts
//   BENCH_SECONDS (46) per case; BENCH_PLAYERS (sdk,watch); BENCH_MODES (low,standard); BENCH_LOW_PROFILE_SEGMENTS
//   (2): the profile's segmentSeconds for low-latency cases, comma-separated (the low-latency cap applies on top).
import { freePort } from '@beamline/core/testing';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { segmentSecondsOf, type LadderProfile } from '../../media-edge/src/ladder/profile';
import { launchChromium, startEdgeTest, waitForStatus } from '@beamline/testkit';
import { median } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 46);
const PLAYERS = (process.env.BENCH_PLAYERS ?? 'sdk,watch').split(',') as Player[];
const MODES = (process.env.BENCH_MODES ?? 'low,standard').split(',') as Case['mode'][];
const LOW_PROFILE_SEGMENTS = (process.env.BENCH_LOW_PROFILE_SEGMENTS ?? '2').split(',').map(Number);
const FLASH_EVERY = 8;
/** Flashes cycle through the four quarters of the picture: top left, top right, bottom left, bottom right. */
const QUARTERS = 4;

type Player = 'sdk' | 'watch';
/** A viewer who opens the page as the stream goes live, and one who joins a running stream (a full playlist). */
const JOINED = ['start', 'late'] as const;
type Joined = (typeof JOINED)[number];
const JOIN_LATE_SECONDS = 12;

interface ViewerResult {
  latencies: number[];
  rebuffer: { stalls: number; waiting: number; waitingMs: number };
  targetLatency: number | null;
  hlsLatency: number | null;
  /** The least media buffered ahead of the playhead while playing and the stream is live, in seconds. */
  minBufferAhead: number | null;
}

/**
 * A browser script defining `window.startPlayer(root, src)`: it mounts the product's player and resolves to its
 * <video>. Loading hls.js through the same import as the player lets the page watch the instance the player makes
 * (stall events, the target latency it settled on) without changing how it is configured.
 */
const ENTRIES: Record<Player, { hls: string; mount: string }> = {
  sdk: {
    hls: 'hls.js',
    mount: `import { attachPlayer } from './sdks/js/src/player/index.ts';
      window.startPlayer = async (root, src) => {
        const video = document.createElement('video');
        video.muted = true; video.playsInline = true; root.append(video);
        attachPlayer(video, { playbackId: 'bench', src });
        return video;
      };`,
  },
  watch: {
    hls: 'hls.js/light',
    mount: `import { createElement } from 'react';
      import { createRoot } from 'react-dom/client';
      import { HlsPlayer } from './dashboard/src/player/HlsPlayer.tsx';
      window.startPlayer = async (root, src) => {
        createRoot(root).render(createElement(HlsPlayer, { src, live: true }));
        for (;;) {
          const video = root.querySelector('video');
          if (video) return video;
          await new Promise((r) => setTimeout(r, 20));
        }
      };`,
  },
};

async function bundle(player: Player): Promise<string> {
  const { hls, mount } = ENTRIES[player];
  const result = await build({
    stdin: {
      contents: `import Hls from '${hls}';
        window.rebuffer = { stalls: 0, waiting: 0, waitingMs: 0 };
        const loadSource = Hls.prototype.loadSource;
        Hls.prototype.loadSource = function (url) {
          window.hls = this;
          this.on(Hls.Events.ERROR, (_e, data) => {
            if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR && window.playing) window.rebuffer.stalls++;
          });
          return loadSource.call(this, url);
        };
        ${mount}`,
      resolveDir: process.cwd(),
      loader: 'tsx',
    },
    bundle: true,
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

const page = (hlsUrl: string) => `<!doctype html><div id="root"></div><script src="/player.js"></script><script>
window.flashes = [];
window.latencySamples = [];
window.bufferAheadSamples = [];
window.waitingAt = [];
window.rateChanges = [];
window.startPlayer(document.getElementById('root'), ${JSON.stringify(hlsUrl)}).then((video) => {
  let waitingSince = 0;
  video.addEventListener('playing', () => {
    window.playing = true;
    if (waitingSince) window.rebuffer.waitingMs += performance.now() - waitingSince;
    waitingSince = 0;
  });
  video.addEventListener('ratechange', () => {
    window.rateChanges.push({ at: performance.timeOrigin + performance.now(), rate: video.playbackRate });
  });
  video.addEventListener('waiting', () => {
    if (!window.playing || waitingSince) return;
    window.rebuffer.waiting++;
    window.waitingAt.push(performance.timeOrigin + performance.now());
    waitingSince = performance.now();
  });
  setInterval(() => {
    if (window.playing && window.hls && window.hls.latency) window.latencySamples.push(window.hls.latency);
    const ranges = video.buffered;
    if (window.playing && !waitingSince && ranges.length) {
      const at = performance.timeOrigin + performance.now();
      window.bufferAheadSamples.push({ at, seconds: ranges.end(ranges.length - 1) - video.currentTime });
    }
  }, 500);
  const canvas = document.createElement('canvas'); canvas.width = 8; canvas.height = 8;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const centres = [[2, 2], [6, 2], [2, 6], [6, 6]];
  let lit = -1;
  const onFrame = (now) => {
    ctx.drawImage(video, 0, 0, 8, 8);
    const pixels = ctx.getImageData(0, 0, 8, 8).data;
    const quarter = centres.findIndex(([x, y]) => pixels[(y * 8 + x) * 4] > 128);
    if (quarter !== -1 && quarter !== lit) window.flashes.push({ at: performance.timeOrigin + now, quarter });
    lit = quarter;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
});
</script>`;

/** One drawbox per quarter, each lit for half a second in its turn of the 4 × 8 s cycle. */
function flashBoxes(): string[] {
  const cycle = FLASH_EVERY * QUARTERS;
  return Array.from({ length: QUARTERS }, (_, q) => {
    const [x, y] = [(q % 2) * 0.5, Math.floor(q / 2) * 0.5];
    const from = q * FLASH_EVERY;
    const on = `gte(mod(t\\,${cycle})\\,${from})*lt(mod(t\\,${cycle})\\,${from + 0.5})`;
    return `drawbox=x=iw*${x}:y=ih*${y}:w=iw/2:h=ih/2:color=white:t=fill:enable='${on}'`;
  });
}

interface Case {
  mode: 'standard' | 'low';
  /** The profile's segmentSeconds. */
  profileSegment: number;
}

async function measure(player: Player, script: string, { mode, profileSegment }: Case) {
  const t = await startEdgeTest({ LOG_LEVEL: 'silent' });
  const profileId = (
    await t.call('POST', '/transcoding-profiles', {
      name: 'Latency',
      renditions: [{ height: 360, videoBitrateKbps: 800 }],
      passthrough: false,
      preset: 'veryfast',
      segmentSeconds: profileSegment,
    })
  ).body.id;
  const stream = (
    await t.call('POST', '/streams', { name: 'Latency', latencyMode: mode, profileId, reconnectWindowSeconds: 0 })
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
    [...flashBoxes(), 'showinfo'].join(','),
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
      // black is 16, so a white quarter lifts the frame's mean luma to about 70
      const bright = Number(mean[1]) > 40;
      if (bright && !wasBright) captures.push(at);
      wasBright = bright;
    }
  });
  await waitForStatus(t, stream.id, 'live', 60_000);
  const port = await freePort();
  const server = createServer((req, res) => {
    if (req.url === '/player.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(stream.hlsUrl));
  }).listen(port, '127.0.0.1');
  const browser = await launchChromium();
  const pageErrors: string[] = [];
  // A viewer in a window of its own (a context each, so neither is a background tab).
  const open = async () => {
    const tab = await (await browser.newContext()).newPage();
    tab.on('pageerror', (err) => pageErrors.push(err.message));
    await tab.goto(`http://127.0.0.1:${port}/`);
    return tab;
  };
  const exited = new Promise<void>((r) => publisher.once('exit', () => r()));
  const viewers = { start: await open() } as Record<Joined, Page>;
  await new Promise((r) => setTimeout(r, JOIN_LATE_SECONDS * 1000));
  viewers.late = await open();
  await exited;
  const endedAt = Date.now();
  await new Promise((r) => setTimeout(r, 12_000)); // let the players show the last flashes
  const results = {} as Record<Joined, ViewerResult>;
  for (const joined of JOINED) {
    const tab = viewers[joined];
    const seen = (await tab.evaluate(() => {
      const w = window as any;
      return {
        flashes: w.flashes,
        rebuffer: w.rebuffer,
        targetLatency: w.hls?.targetLatency ?? null,
        latencySamples: w.latencySamples,
        bufferAheadSamples: w.bufferAheadSamples,
        waitingAt: w.waitingAt,
        rateChanges: w.rateChanges,
      };
    })) as {
      flashes: { at: number; quarter: number }[];
      rebuffer: ViewerResult['rebuffer'];
      targetLatency: number | null;
      latencySamples: number[];
      bufferAheadSamples: { at: number; seconds: number }[];
      waitingAt: number[];
      rateChanges: { at: number; rate: number }[];
    };
    // once the publisher stops, the buffer runs out as the last segment plays: only the live part counts
    const live = seen.bufferAheadSamples.filter((b) => b.at < endedAt).map((b) => b.seconds);
    const fromEnd = (at: number) => ((at - endedAt) / 1000).toFixed(1);
    if (seen.rateChanges.length) {
      console.error(
        `${joined}: playback rate ${seen.rateChanges.map((c) => `${c.rate} at ${fromEnd(c.at)} s`).join(', ')}`,
      );
    }
    if (seen.waitingAt.length) {
      console.error(`${joined}: waiting at ${seen.waitingAt.map(fromEnd).join(', ')} s from the end`);
    }
    // each render belongs to the latest capture of a flash in the same quarter before it
    const latencies = seen.flashes
      .map(({ at, quarter }) => {
        const capture = captures.filter((c, k) => k % QUARTERS === quarter && c < at).at(-1);
        return capture === undefined ? null : at - capture;
      })
      .filter((v): v is number => v !== null);
    results[joined] = {
      latencies,
      rebuffer: seen.rebuffer,
      targetLatency: seen.targetLatency,
      hlsLatency: seen.latencySamples.length ? median(seen.latencySamples) : null,
      minBufferAhead: live.length ? Math.min(...live) : null,
    };
  }
  await browser.close();
  server.close();
  await t.close();
  if (pageErrors.length) console.error(`${player} page errors:`, pageErrors);
  console.error(`${captures.length} flashes captured`);
  return results;
}

const PROFILE: Omit<LadderProfile, 'segmentSeconds'> = {
  renditions: [],
  passthrough: false,
  encoder: 'libx264',
  preset: 'veryfast',
};

async function main() {
  const rows: string[] = [];
  const cases: Case[] = [
    ...LOW_PROFILE_SEGMENTS.map((profileSegment) => ({ mode: 'low' as const, profileSegment })),
    { mode: 'standard' as const, profileSegment: 2 },
  ].filter((c) => MODES.includes(c.mode));
  for (const player of PLAYERS) {
    const script = await bundle(player);
    console.error(`${player}: player bundled from source`);
    for (const c of cases) {
      const results = await measure(player, script, c);
      console.error(player, c.mode, c.profileSegment, JSON.stringify(results));
      const segment = segmentSecondsOf({ ...PROFILE, segmentSeconds: c.profileSegment }, c.mode);
      for (const joined of JOINED) {
        const r = results[joined];
        const s = (v: number) => (v / 1000).toFixed(2);
        const l = r.latencies;
        const rb = r.rebuffer;
        const cells = [
          player,
          c.mode,
          `${segment} s`,
          joined === 'start' ? 'as it goes live' : `${JOIN_LATE_SECONDS} s later`,
          r.targetLatency === null ? 'n/a' : `${r.targetLatency.toFixed(2)} s`,
          `${l.length}`,
          l.length ? `${s(median(l))} s` : 'n/a',
          l.length ? `${s(Math.min(...l))}–${s(Math.max(...l))} s` : 'n/a',
          r.hlsLatency === null ? 'n/a' : `${r.hlsLatency.toFixed(2)} s`,
          r.minBufferAhead === null ? 'n/a' : `${r.minBufferAhead.toFixed(2)} s`,
          `${rb.stalls} / ${rb.waiting} (${(rb.waitingMs / 1000).toFixed(1)} s)`,
        ];
        rows.push(`| ${cells.join(' | ')} |`);
      }
    }
  }
  console.log(
    `\nGlass-to-glass, the product's players in Chromium, 640x360 source, one 360p rendition, ${SECONDS} s per case\n`,
  );
  console.log(
    '| player | latency mode | segment | viewer joins | hls.js target latency | flashes seen | median | range | hls.js latency (median) | least buffer ahead | stalls / waiting (time) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
