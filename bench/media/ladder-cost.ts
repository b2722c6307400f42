// Ladder cost: CPU seconds per stream-second of the default ladder. The edge runs in its own process (cluster
// mode) and its figure is everything it spends on the stream: its Node process plus every ffmpeg it runs (the
// ladder, and any other it starts), read from /proc as the process's own time and its finished children's.
// Baseline: ffmpeg alone running the same ladder from the same RTMP publisher, its CPU reported exactly by
// the shell that runs it. The two alternate for BENCH_ROUNDS rounds; medians are reported. The publisher sends
// a file encoded once beforehand (`-re -c copy`), so that it costs next to nothing beside the ladders.
// Then capacity, measured: 1, 2, … streams published at once to the edge until one of them no longer keeps up
// (the speed its ladder reports, median over the publish, under 0.98×); the last count that held is reported.
// Run: npx tsx bench/media/ladder-cost.ts   (BENCH_SOURCE=1280x720, BENCH_SECONDS=20, BENCH_ROUNDS=3,
//      BENCH_MAX_STREAMS=4, PROF=<dir> for a CPU profile of the edge process)
import { freePort, tempDir } from '@beamline/core/testing';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROFILE } from '../../control-plane/src/streams/profiles';
import { ladderArgs } from '../../media-edge/src/ladder/args';
import { fitProfile, variantNames } from '../../media-edge/src/ladder/profile';
import { publish, startEdgeTest, waitForStatus } from '@beamline/testkit';
import { ffmpegAloneTimed, median, processTimes, spawnEdge } from './support';

const SOURCE = process.env.BENCH_SOURCE ?? '1280x720';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MAX_STREAMS = Number(process.env.BENCH_MAX_STREAMS ?? 4);
const height = Number(SOURCE.split('x')[1]);
const profile = fitProfile(DEFAULT_PROFILE, height);

/** Runs ffmpeg with `args`; resolves when it exits, rejects when it fails. */
function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${err}`))));
  });
}

/** The publisher's stream, encoded once: the tests' publisher, written to a file as fast as it encodes. */
async function encodeSource(file: string): Promise<void> {
  const { code, stderr } = await publish(file, { seconds: SECONDS, size: SOURCE, realtime: false }).exited;
  if (code !== 0) throw new Error(`encoding the source failed (${code}): ${stderr.slice(-500)}`);
}

/** Publishes the encoded file in real time, as an encoder would. */
function publishFile(url: string, file: string): Promise<void> {
  return ffmpeg(['-re', '-i', file, '-c', 'copy', '-f', 'flv', url]);
}

/** ffmpeg alone: cores it used over the publish, and its last reported speed. */
async function aloneRound(dir: string, source: string): Promise<{ cores: number; speed: string }> {
  rmSync(dir, { recursive: true, force: true });
  for (const n of variantNames(profile)) mkdirSync(join(dir, n), { recursive: true });
  const port = await freePort();
  const baseline = ffmpegAloneTimed(
    port,
    ladderArgs({ profile, latency: 'standard', dir, record: false, resume: false, hasAudio: true }),
  );
  let last = '';
  baseline.stderr.on('data', (d: Buffer) => (last = d.toString()));
  await new Promise((r) => setTimeout(r, 400));
  await publishFile(`rtmp://127.0.0.1:${port}/live/bench`, source);
  const cpu = await baseline.cpu;
  return { cores: cpu / SECONDS, speed: /speed=\s*([\d.]+)x/.exec(last)?.[1] ?? '?' };
}

/** The edge: cores of its Node process and of the ffmpeg processes it ran for one stream, publish to idle. */
async function edgeRound(
  t: Awaited<ReturnType<typeof startEdgeTest>>,
  edge: Awaited<ReturnType<typeof spawnEdge>>,
  round: number,
  source: string,
): Promise<{ node: number; ffmpeg: number; total: number }> {
  const stream = (await t.call('POST', '/streams', { name: `Cost ${round}`, reconnectWindowSeconds: 0 })).body;
  const before = processTimes(edge.pid)!;
  await publishFile(`${edge.rtmp}/${stream.streamKey}`, source);
  await waitForStatus(t, stream.id, 'idle', 60_000);
  await new Promise((r) => setTimeout(r, 1_000)); // every ffmpeg of the session has exited and been waited for
  const after = processTimes(edge.pid)!;
  const node = (after.own - before.own) / SECONDS;
  const ffmpeg = (after.children - before.children) / SECONDS;
  return { node, ffmpeg, total: node + ffmpeg };
}

/**
 * `count` streams published to the edge at once; each one's ladder speed (reported by the edge about every 2 s)
 * sampled from 6 s in until the publish ends. Holds when every stream's median speed is at least 0.98×.
 */
async function capacityStep(
  t: Awaited<ReturnType<typeof startEdgeTest>>,
  edge: Awaited<ReturnType<typeof spawnEdge>>,
  count: number,
  source: string,
): Promise<{ holds: boolean; medians: number[] }> {
  const streams: { id: string; streamKey: string }[] = [];
  for (let i = 0; i < count; i++)
    streams.push(
      (await t.call('POST', '/streams', { name: `Capacity ${count}.${i}`, reconnectWindowSeconds: 0 })).body,
    );
  const speeds = streams.map(() => [] as number[]);
  // a publisher the edge refused or cut counts as not keeping up
  const publishing = Promise.all(
    streams.map((s) =>
      publishFile(`${edge.rtmp}/${s.streamKey}`, source).then(
        () => true,
        () => false,
      ),
    ),
  );
  let done = false;
  void publishing.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 6_000));
  while (!done) {
    await Promise.all(
      streams.map(async (s, i) => {
        const speed = (await t.call('GET', `/streams/${s.id}`)).body.ingest?.speed as number | undefined;
        if (typeof speed === 'number' && !done) speeds[i]!.push(speed);
      }),
    );
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const completed = await publishing;
  for (const s of streams) await waitForStatus(t, s.id, 'idle', 60_000);
  const medians = speeds.map((v, i) => (v.length && completed[i] ? median(v) : 0));
  return { holds: medians.every((m) => m >= 0.98), medians };
}

async function main() {
  const work = tempDir('beamline-cost-');
  // the Free plan allows one live stream at a time; the capacity step publishes several
  const t = await startEdgeTest({
    LOG_LEVEL: 'silent',
    PLANS_JSON: JSON.stringify({ free: { limits: { concurrentStreams: Math.max(1, MAX_STREAMS) } } }),
  });
  const edge = await spawnEdge({ api: t.api, dataDir: t.platform.dataDir, mediaDir: join(work.path, 'edge') });
  const rows: { alone: number; speed: string; node: number; ffmpeg: number; total: number }[] = [];
  const capacity: { count: number; holds: boolean; medians: number[] }[] = [];
  console.log(`ladder cost: ${SOURCE} source, ${SECONDS} s publishes, ${ROUNDS} rounds (ffmpeg alone, then the edge)`);
  const source = join(work.path, 'source.flv');
  try {
    await encodeSource(source);
    for (let round = 1; round <= ROUNDS; round++) {
      const alone = await aloneRound(join(work.path, 'alone'), source);
      const ours = await edgeRound(t, edge, round, source);
      rows.push({ alone: alone.cores, speed: alone.speed, ...ours });
      console.log(
        `  round ${round}: alone ${alone.cores.toFixed(3)} cores (speed ${alone.speed}x), edge ${ours.total.toFixed(3)} (ffmpeg ${ours.ffmpeg.toFixed(3)} + Node ${ours.node.toFixed(3)}), overhead ${pct(ours.total, alone.cores)}`,
      );
    }
    for (let count = 1; count <= MAX_STREAMS; count++) {
      const step = await capacityStep(t, edge, count, source);
      capacity.push({ count, ...step });
      console.log(
        `  ${count} stream(s) at once: ladder speeds (medians) ${step.medians.map((m) => `${m.toFixed(2)}x`).join(', ')} → ${step.holds ? 'real time' : 'falls behind'}`,
      );
      if (!step.holds) break;
    }
  } finally {
    await edge.stop();
    await t.close();
    work.remove();
  }

  const med = (pick: (r: (typeof rows)[number]) => number) => median(rows.map(pick));
  const overheads = rows.map((r) => (r.total - r.alone) / r.alone);
  console.log(
    `\nLadder cost, ${SOURCE} source, ladder ${variantNames(profile).join('/')} (x264 ${profile.preset}), ${SECONDS} s published, median of ${ROUNDS} rounds\n`,
  );
  console.log('| | CPU s per stream-second (cores) |');
  console.log('|---|---|');
  console.log(`| ffmpeg alone (same ladder, RTMP listen) | ${med((r) => r.alone).toFixed(3)} |`);
  console.log(`| edge: the ffmpeg processes it ran | ${med((r) => r.ffmpeg).toFixed(3)} |`);
  console.log(`| edge: its Node process (RTMP ingest, tap, reports) | ${med((r) => r.node).toFixed(3)} |`);
  console.log(`| edge total | ${med((r) => r.total).toFixed(3)} |`);
  console.log(
    `\nOverhead per round: ${overheads.map((o) => `${(o * 100).toFixed(1)}%`).join(', ')}; median ${(median(overheads) * 100).toFixed(1)}% (target < 5%)`,
  );
  const cores = cpus().length;
  const held = capacity.filter((c) => c.holds).map((c) => c.count);
  const measured = capacity.length
    ? `${held.length ? Math.max(...held) : 0} measured (${capacity.map((c) => `${c.count}: ${c.medians.map((m) => m.toFixed(2)).join('/')}`).join('; ')})`
    : 'not measured (BENCH_MAX_STREAMS=0)';
  console.log(
    `Concurrent ladders in real time on ${cores} cores: ${measured}; ${Math.floor(cores / med((r) => r.total))} from the median edge total`,
  );
  process.exit(0);
}

const pct = (ours: number, base: number) => `${(((ours - base) / base) * 100).toFixed(1)}%`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
